/**
 * Loads data collection rules in every shape Azure hands them out: a creation body (`{location, kind, properties}`),
 * a GET response (with `immutableId`, `endpoints`), a REST spec example (`responses["200"].body`), an ARM template
 * resource or a whole template. Validates them as DCR creation does and prepares each stream for ingestion. Pure.
 */
import { createHash } from 'node:crypto'
import { type ArmContext, resolveArmExpressions } from './arm-expressions.ts'
import { EmulatorError } from './errors.ts'
import { type CompiledTransform, compileTransform, TransformError } from './kql/compile.ts'
import { createRowConverter, type RowConverter } from './schema/convert.ts'
import {
  COLUMN_TYPES,
  type Column,
  type ColumnType,
  isReservedColumnName,
  type TableSchema,
  tableForOutputStream,
} from './schema/types.ts'

/** One data flow of a stream: where its records go and how they are transformed. */
export interface LoadedFlow {
  /** Index in `properties.dataFlows`. */
  index: number
  outputStream: string
  table: string
  transform: CompiledTransform
  /** Converts transformation output to the table's columns, when the table's schema is known. */
  tableConverter: RowConverter | undefined
  /** The table is on the Auxiliary plan (nested JSON in dynamic columns only, 30 minutes per call). */
  auxiliary: boolean
  /** The Log Analytics workspaces the flow writes to (its `logAnalytics` destinations). */
  workspaces: WorkspaceDestination[]
}

/** A `destinations.logAnalytics[]` entry: GET responses also carry the workspace's `workspaceId` (a GUID). */
export interface WorkspaceDestination {
  name: string
  workspaceResourceId: string
  workspaceId: string | undefined
}

export interface LoadedStream {
  name: string
  /** Input columns: the stream declaration, or the built-in table's schema; undefined when unknown. */
  columns: Column[] | undefined
  converter: RowConverter | undefined
  flows: LoadedFlow[]
  /** Whether the Logs Ingestion API accepts this stream (declared custom stream, or built-in with a known schema). */
  ingestible: boolean
  /** Why not, when it is not. */
  reason: string | undefined
}

export interface LoadedDcr {
  ruleId: string
  name: string
  kind: string | undefined
  location: string | undefined
  streams: Map<string, LoadedStream>
  /** `properties` with template expressions resolved (what an ARM read of the DCR returns). */
  properties: Record<string, unknown>
  /** Where it came from (a file path or a description), for messages. */
  source: string
}

/** A DCR to load: a parsed JSON document, or one with overrides. */
export interface DcrDefinition {
  /** The parsed JSON (any supported shape). */
  dcr: unknown
  /** Immutable id to use when the document has none (creation bodies and templates never do). */
  immutableId?: string
  /** Name to use when the document has none. */
  name?: string
  /** Where it came from, for messages. */
  source?: string
}

export interface LoadDcrOptions {
  /** ARM template parameters. */
  parameters?: Readonly<Record<string, unknown>>
  /** ARM template variables, for resources copied out of their template; given values win over the template's. */
  variables?: Readonly<Record<string, unknown>>
  /** Known table schemas by name (built-in ones and the user's). */
  tables?: ReadonlyMap<string, TableSchema>
  maxFieldBytes?: number
}

/** Per-DCR limits (service limits): data flows, streams, destinations. */
export const MAX_DATA_FLOWS = 10
export const MAX_STREAMS = 10
export const MAX_DESTINATIONS = 10

const DCR_TYPE = 'microsoft.insights/datacollectionrules'
const COLUMN_NAME = /^[A-Za-z][A-Za-z0-9_]{0,44}$/
const OUTPUT_STREAM = /^(Custom-[A-Za-z0-9_]+_CL|Microsoft-[A-Za-z0-9-]+)$/

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** A deterministic immutable id for a DCR that has none: `dcr-` + 32 hex characters. */
export const deriveImmutableId = (seed: string): string =>
  `dcr-${createHash('sha256').update(seed).digest('hex').slice(0, 32)}`

interface Unwrapped {
  resource: Record<string, unknown>
  templateParameters: Record<string, unknown>
  templateVariables: Record<string, unknown>
}

/** Finds the DCR resources inside any supported document shape. */
const unwrap = (doc: unknown, source: string): Unwrapped[] => {
  if (!isObject(doc)) throw new EmulatorError('INVALID_DCR', `${source}: a DCR must be a JSON object.`)
  const responses = doc['responses']
  if (isObject(responses) && isObject(responses['200']) && isObject(responses['200']['body'])) {
    return unwrap(responses['200']['body'], source)
  }
  if (Array.isArray(doc['resources'])) {
    const params: Record<string, unknown> = {}
    if (isObject(doc['parameters'])) {
      for (const [k, v] of Object.entries(doc['parameters']))
        if (isObject(v) && 'defaultValue' in v) params[k] = v['defaultValue']
    }
    const vars = isObject(doc['variables']) ? doc['variables'] : {}
    const found = (doc['resources'] as unknown[]).filter(
      (r): r is Record<string, unknown> => isObject(r) && String(r['type']).toLowerCase() === DCR_TYPE,
    )
    if (found.length === 0) {
      throw new EmulatorError(
        'INVALID_DCR',
        `${source}: the template has no Microsoft.Insights/dataCollectionRules resource.`,
      )
    }
    return found.map((resource) => ({ resource, templateParameters: params, templateVariables: vars }))
  }
  if (typeof doc['type'] === 'string' && doc['type'].toLowerCase() !== DCR_TYPE) {
    throw new EmulatorError(
      'INVALID_DCR',
      `${source}: resource type '${doc['type']}' is not Microsoft.Insights/dataCollectionRules.`,
    )
  }
  if (!isObject(doc['properties'])) {
    if ('dataFlows' in doc || 'streamDeclarations' in doc)
      return [{ resource: { properties: doc }, templateParameters: {}, templateVariables: {} }]
    throw new EmulatorError('INVALID_DCR', `${source}: expected a DCR with a 'properties' object (ARM shape).`)
  }
  return [{ resource: doc, templateParameters: {}, templateVariables: {} }]
}

const validateColumns = (stream: string, raw: unknown, problems: string[]): Column[] => {
  const where = `properties.streamDeclarations['${stream}']`
  if (!isObject(raw) || !Array.isArray(raw['columns']) || raw['columns'].length === 0) {
    problems.push(`InvalidStreamDeclaration: ${where} needs a non-empty 'columns' array.`)
    return []
  }
  const columns: Column[] = []
  const seen = new Set<string>()
  ;(raw['columns'] as unknown[]).forEach((c, i) => {
    const at = `${where}.columns[${i}]`
    if (!isObject(c) || typeof c['name'] !== 'string' || typeof c['type'] !== 'string') {
      problems.push(`InvalidStreamDeclaration: ${at} needs a string 'name' and 'type'.`)
      return
    }
    const name = c['name']
    const type = c['type'].toLowerCase()
    if (isReservedColumnName(name)) {
      problems.push(`InvalidColumnName: ${at}: '${name}' is a reserved column name.`)
    } else if (!COLUMN_NAME.test(name)) {
      problems.push(
        `InvalidColumnName: ${at}: '${name}' must start with a letter, hold only letters, digits or '_', and be at most 45 characters.`,
      )
    }
    if (seen.has(name.toLowerCase())) problems.push(`InvalidColumnName: ${at}: column '${name}' is declared twice.`)
    seen.add(name.toLowerCase())
    if (type === 'guid') {
      problems.push(`InvalidColumnType: ${at}: 'guid' is not a stream declaration type; declare '${name}' as 'string'.`)
    } else if (!(COLUMN_TYPES as readonly string[]).includes(type)) {
      problems.push(`InvalidColumnType: ${at}: '${c['type']}' is not one of ${COLUMN_TYPES.join(', ')}.`)
    }
    columns.push({ name, type: type as ColumnType })
  })
  return columns
}

/** Names of every destination, of every kind (logAnalytics, azureMonitorMetrics, …), and how many there are. */
const destinationNames = (destinations: unknown): { names: Set<string>; count: number } => {
  const names = new Set<string>()
  let count = 0
  if (!isObject(destinations)) return { names, count }
  for (const list of Object.values(destinations)) {
    const items = Array.isArray(list) ? list : [list]
    for (const d of items) {
      if (!isObject(d)) continue
      count++
      if (typeof d['name'] === 'string') names.add(d['name'])
    }
  }
  return { names, count }
}

/** Every stream a DCR names: declared, and used by its data flows. */
const streamNames = (declarations: Record<string, unknown>, flows: unknown[]): Set<string> => {
  const names = new Set(Object.keys(declarations))
  for (const f of flows) {
    if (!isObject(f) || !Array.isArray(f['streams'])) continue
    for (const n of f['streams']) if (typeof n === 'string') names.add(n)
  }
  return names
}

const workspaceDestinations = (destinations: unknown): Map<string, WorkspaceDestination> => {
  const out = new Map<string, WorkspaceDestination>()
  const list = isObject(destinations) ? destinations['logAnalytics'] : undefined
  for (const d of Array.isArray(list) ? list : []) {
    if (!isObject(d) || typeof d['name'] !== 'string') continue
    const workspaceId = typeof d['workspaceId'] === 'string' ? d['workspaceId'] : undefined
    out.set(d['name'], { name: d['name'], workspaceResourceId: String(d['workspaceResourceId'] ?? ''), workspaceId })
  }
  return out
}

const loadResource = (u: Unwrapped, def: DcrDefinition, options: LoadDcrOptions, index: number): LoadedDcr => {
  const source = def.source ?? 'DCR'
  const tables = options.tables ?? new Map<string, TableSchema>()
  const ctx: ArmContext = {
    parameters: {},
    variables: {},
    subscriptionId: '00000000-0000-0000-0000-000000000000',
    resourceGroup: 'emulator',
    location: 'local',
  }
  // Given values win; a default may refer to parameters declared before it (ARM allows
  // `[resourceId(…, parameters('workspaceName'))]`), so defaults resolve in order, seeing the given values.
  const parameters: Record<string, unknown> = { ...options.parameters }
  ctx.parameters = parameters
  for (const [name, value] of Object.entries(u.templateParameters)) {
    if (Object.hasOwn(parameters, name)) continue
    parameters[name] = resolveArmExpressions(value, ctx, `${source} (default of parameter '${name}')`)
  }
  // Given variables win and are taken as they are; the template's others may use parameters and the given ones.
  const given = options.variables ?? {}
  ctx.variables = given
  const own = Object.fromEntries(Object.entries(u.templateVariables).filter(([k]) => !Object.hasOwn(given, k)))
  ctx.variables = { ...resolveArmExpressions(own, ctx, `${source} (variables)`), ...given }
  const resource = resolveArmExpressions(u.resource, ctx, source)
  const props = resource['properties'] as Record<string, unknown>
  const problems: string[] = []

  const declarations = isObject(props['streamDeclarations']) ? props['streamDeclarations'] : {}
  const declared = new Map<string, Column[]>()
  for (const [name, raw] of Object.entries(declarations)) {
    if (!name.startsWith('Custom-')) {
      problems.push(`InvalidStreamDeclaration: stream declaration '${name}' must start with 'Custom-'.`)
      continue
    }
    declared.set(name, validateColumns(name, raw, problems))
  }

  const flowsRaw = props['dataFlows']
  if (!Array.isArray(flowsRaw) || flowsRaw.length === 0)
    problems.push("InvalidDataFlow: 'properties.dataFlows' needs at least one data flow.")
  const flows = Array.isArray(flowsRaw) ? flowsRaw : []
  if (flows.length > MAX_DATA_FLOWS)
    problems.push(
      `InvalidDataFlow: ${flows.length} data flows; a DCR may have at most ${MAX_DATA_FLOWS}. Split it into several DCRs.`,
    )
  const allStreams = streamNames(declarations, flows)
  if (allStreams.size > MAX_STREAMS) {
    problems.push(
      `InvalidStream: ${allStreams.size} streams (${[...allStreams].join(', ')}); a DCR may have at most ${MAX_STREAMS}. Split it into several DCRs.`,
    )
  }
  const { names: destinations, count: destinationCount } = destinationNames(props['destinations'])
  if (destinationCount > MAX_DESTINATIONS) {
    problems.push(
      `InvalidDestination: ${destinationCount} destinations; a DCR may have at most ${MAX_DESTINATIONS}. Split it into several DCRs.`,
    )
  }
  const workspaces = workspaceDestinations(props['destinations'])

  const streams = new Map<string, LoadedStream>()
  const streamFor = (name: string): LoadedStream => {
    let s = streams.get(name)
    if (s !== undefined) return s
    let columns = declared.get(name)
    let reason: string | undefined
    if (columns === undefined) {
      const table = name.startsWith('Microsoft-Table-') ? undefined : tableForOutputStream(name)
      const schema = table === undefined ? undefined : tables.get(table)
      columns = schema?.columns
      if (name.startsWith('Microsoft-Table-'))
        reason = `'${name}' is a workspace transformation stream; it does not accept Logs Ingestion API calls`
      else if (columns === undefined) {
        reason = `the emulator has no schema for the built-in table behind '${name}'; pass it in the tables option`
      }
    }
    s = {
      name,
      columns,
      converter: columns === undefined ? undefined : createRowConverter(columns, options.maxFieldBytes),
      flows: [],
      ingestible: columns !== undefined && reason === undefined,
      reason,
    }
    streams.set(name, s)
    return s
  }

  flows.forEach((f: unknown, i: number) => {
    const at = `properties.dataFlows[${i}]`
    if (!isObject(f) || !Array.isArray(f['streams']) || f['streams'].length === 0) {
      problems.push(`InvalidDataFlow: ${at} needs a non-empty 'streams' array.`)
      return
    }
    const names = f['streams'] as unknown[]
    const dests = Array.isArray(f['destinations']) ? (f['destinations'] as unknown[]) : []
    if (dests.length === 0) problems.push(`InvalidDataFlow: ${at} needs at least one destination.`)
    for (const d of dests) {
      if (typeof d !== 'string' || !destinations.has(d)) {
        problems.push(
          `InvalidDestination: ${at}: destination '${String(d)}' is not defined in properties.destinations.`,
        )
      }
    }
    const kql = typeof f['transformKql'] === 'string' ? f['transformKql'].trim() : 'source'
    if (kql !== 'source' && names.length > 1) {
      problems.push(`InvalidDataFlow: ${at}: a data flow with a transformation must have exactly one stream.`)
    }
    for (const n of names) {
      if (typeof n !== 'string') {
        problems.push(`InvalidStream: ${at}: stream names must be strings.`)
        continue
      }
      if (n.startsWith('Custom-') && !declared.has(n)) {
        problems.push(`InvalidStream: ${at}: stream '${n}' must be declared in properties.streamDeclarations.`)
        continue
      }
      if (!n.startsWith('Custom-') && !n.startsWith('Microsoft-')) {
        problems.push(`InvalidStream: ${at}: stream '${n}' must be a custom stream (Custom-…) or a Microsoft- stream.`)
        continue
      }
      const outputStream =
        typeof f['outputStream'] === 'string' ? f['outputStream'] : n.startsWith('Microsoft-') ? n : undefined
      if (outputStream === undefined) {
        problems.push(`InvalidOutputStream: ${at}: 'outputStream' is required for the custom stream '${n}'.`)
        continue
      }
      if (!OUTPUT_STREAM.test(outputStream)) {
        problems.push(
          `InvalidOutputStream: ${at}: '${outputStream}' must be 'Custom-<Table>_CL' or 'Microsoft-<Table>'.`,
        )
        continue
      }
      const stream = streamFor(n)
      let transform: CompiledTransform
      try {
        transform = compileTransform(kql, stream.columns)
      } catch (e) {
        if (!(e instanceof TransformError)) throw e
        problems.push(`InvalidTransformQuery: ${at}.transformKql: ${e.message}.`)
        continue
      }
      const table = tableForOutputStream(outputStream)!
      const tableSchema = tables.get(table)
      stream.flows.push({
        index: i,
        outputStream,
        table,
        transform,
        tableConverter:
          tableSchema === undefined ? undefined : createRowConverter(tableSchema.columns, options.maxFieldBytes),
        auxiliary: tableSchema?.plan === 'Auxiliary',
        workspaces: dests.flatMap((d) => (typeof d === 'string' ? (workspaces.get(d) ?? []) : [])),
      })
    }
  })

  const name = typeof resource['name'] === 'string' ? resource['name'] : (def.name ?? `dcr-${index + 1}`)
  if (problems.length > 0) {
    throw new EmulatorError(
      'INVALID_DCR',
      `Data collection rule '${name}' (${source}) is invalid:\n- ${problems.join('\n- ')}`,
    )
  }
  const immutableId =
    def.immutableId ??
    (typeof props['immutableId'] === 'string'
      ? props['immutableId']
      : deriveImmutableId(`${name}\n${JSON.stringify(props)}`))
  return {
    ruleId: immutableId,
    name,
    kind: typeof resource['kind'] === 'string' ? resource['kind'] : undefined,
    location: typeof resource['location'] === 'string' ? resource['location'] : undefined,
    streams,
    properties: props,
    source,
  }
}

/** Loads every DCR in a document. Throws `EmulatorError` (`INVALID_DCR`, `UNRESOLVED_EXPRESSION`) listing every problem. */
export const loadDcrs = (def: DcrDefinition, options: LoadDcrOptions = {}): LoadedDcr[] => {
  const found = unwrap(def.dcr, def.source ?? 'DCR')
  // An immutable id override only makes sense for a single DCR.
  const { immutableId: _, ...shared } = def
  return found.map((u, i) => loadResource(u, found.length > 1 ? shared : def, options, i))
}
