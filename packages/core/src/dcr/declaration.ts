/**
 * Reads data collection rules in every shape Azure hands them out (a creation body, a GET response, a REST spec
 * example, an ARM template resource or a whole template) and stream declarations given inline, and reports what
 * DCR creation would refuse or what would make records vanish. Pure: no I/O, no ARM expression evaluation.
 */
import type { ColumnDefinition, StreamColumnType } from '../schema.js'
import { checkColumnName } from './column-names.js'

/** The 7 column types a stream declaration may use (no `guid`: declare it `string`). */
export const STREAM_COLUMN_TYPES: readonly StreamColumnType[] = Object.freeze([
  'string',
  'int',
  'long',
  'real',
  'boolean',
  'dynamic',
  'datetime',
])

/** Service limits of one DCR (Microsoft Learn, "Azure Monitor service limits", data collection rules). */
export const DCR_LIMITS = Object.freeze({ maxDataFlows: 10, maxTransformLength: 15_360 })

/** The columns a DCR reads from one input stream. */
export interface StreamDeclaration {
  readonly streamName: string
  readonly columns: readonly ColumnDefinition[]
}

/** One entry of `properties.dataFlows`. */
export interface DcrDataFlow {
  /** Index in `properties.dataFlows`. */
  readonly index: number
  readonly streams: readonly string[]
  readonly destinations: readonly string[]
  /** `"source"` when the flow has none. */
  readonly transformKql: string
  readonly outputStream: string | undefined
}

export type DcrProblemSeverity = 'error' | 'warning'

/** Something DCR creation refuses (`error`) or that loses records without an error (`warning`). */
export interface DcrProblem {
  readonly severity: DcrProblemSeverity
  /** Stable identifier, e.g. `InvalidColumnName`, `NotDirect` (the service's codes where it has one). */
  readonly code: string
  /** Where in the document, e.g. `properties.streamDeclarations['Custom-AppLogs'].columns[2]`. */
  readonly path: string
  readonly message: string
}

export interface DcrSummary {
  readonly name: string | undefined
  readonly kind: string | undefined
  readonly location: string | undefined
  /** `properties.immutableId` (GET responses only). */
  readonly immutableId: string | undefined
  /** `properties.endpoints.logsIngestion` (GET responses of kind Direct only). */
  readonly logsIngestionEndpoint: string | undefined
  readonly streams: readonly StreamDeclaration[]
  readonly dataFlows: readonly DcrDataFlow[]
  /** Names defined in `properties.destinations`. */
  readonly destinations: readonly string[]
  readonly problems: readonly DcrProblem[]
}

export type ReadDcrResult = { ok: true; dcrs: DcrSummary[] } | { ok: false; message: string }

export type StreamDeclarationResult = { ok: true; declaration: StreamDeclaration } | { ok: false; message: string }

type Json = Record<string, unknown>

const DCR_TYPE = 'microsoft.insights/datacollectionrules'
const OUTPUT_STREAM = /^(Custom-[A-Za-z0-9_]+_CL|Microsoft-[A-Za-z0-9-]+)$/
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
/** An ARM template expression such as `[parameters('x')]` (`[[` escapes a literal bracket). */
const isExpression = (v: unknown): boolean => typeof v === 'string' && v.startsWith('[') && !v.startsWith('[[')
/** A `<placeholder>` left in a file meant to be filled in. */
const isPlaceholder = (v: unknown): boolean => typeof v === 'string' && /^<[^>]+>$/.test(v)
const quote = (key: string): string => `['${key}']`

interface Found {
  resource: Json
  /** Path prefix of the resource in the document. */
  at: string
}

/** Finds the DCR resources in any supported document shape, or says why there are none. */
const unwrap = (doc: unknown): Found[] | string => {
  if (!isObject(doc)) return 'a DCR must be a JSON object'
  const responses = doc['responses']
  if (isObject(responses) && isObject(responses['200']) && isObject(responses['200']['body'])) {
    const inner = unwrap(responses['200']['body'])
    return typeof inner === 'string' ? inner : inner.map((f) => ({ ...f, at: `responses['200'].body.${f.at}` }))
  }
  if (Array.isArray(doc['resources'])) {
    const found: Found[] = []
    doc['resources'].forEach((r, i) => {
      if (isObject(r) && String(r['type']).toLowerCase() === DCR_TYPE)
        found.push({ resource: r, at: `resources[${i}].` })
    })
    return found.length > 0 ? found : 'the template has no Microsoft.Insights/dataCollectionRules resource'
  }
  if (typeof doc['type'] === 'string' && doc['type'].toLowerCase() !== DCR_TYPE) {
    return `the resource type is '${doc['type']}', not Microsoft.Insights/dataCollectionRules`
  }
  if (isObject(doc['properties'])) return [{ resource: doc, at: '' }]
  if ('dataFlows' in doc || 'streamDeclarations' in doc) return [{ resource: { properties: doc }, at: '' }]
  return "expected a DCR: an object with 'properties' (or an ARM template with a dataCollectionRules resource)"
}

/** Reads the columns of one stream declaration, pushing every problem. */
const readColumns = (raw: unknown, where: string, problems: DcrProblem[]): ColumnDefinition[] => {
  const error = (code: string, path: string, message: string) =>
    problems.push({ severity: 'error', code, path, message })
  if (!isObject(raw) || !Array.isArray(raw['columns']) || raw['columns'].length === 0) {
    error('InvalidStreamDeclaration', where, "a stream declaration needs a non-empty 'columns' array")
    return []
  }
  const columns: ColumnDefinition[] = []
  const seen = new Map<string, string>()
  raw['columns'].forEach((c: unknown, i: number) => {
    const at = `${where}.columns[${i}]`
    if (!isObject(c) || typeof c['name'] !== 'string' || typeof c['type'] !== 'string') {
      error('InvalidStreamDeclaration', at, "each column needs a string 'name' and 'type'")
      return
    }
    const name = c['name']
    const rawType = c['type']
    if (isExpression(name) || isExpression(rawType)) {
      problems.push({
        severity: 'warning',
        code: 'TemplateExpression',
        path: at,
        message: `the column is an ARM template expression (${name}: ${rawType}); it is not checked`,
      })
      return
    }
    const nameProblem = checkColumnName(name)
    if (nameProblem !== undefined) error('InvalidColumnName', at, nameProblem.message)
    const twin = seen.get(name.toLowerCase())
    if (twin !== undefined)
      error('InvalidColumnName', at, `'${name}' is declared twice (also as '${twin}'; names differing in case clash)`)
    seen.set(name.toLowerCase(), name)
    const type = rawType.toLowerCase() as StreamColumnType
    if (type === ('guid' as StreamColumnType)) {
      error('InvalidColumnType', at, `'guid' is a table type, not a stream type; declare '${name}' as 'string'`)
    } else if (!STREAM_COLUMN_TYPES.includes(type)) {
      error(
        'InvalidColumnType',
        at,
        `'${rawType}' is not a stream column type; use one of ${STREAM_COLUMN_TYPES.join(', ')}`,
      )
    } else {
      columns.push({ name, type })
    }
  })
  return columns
}

const stringList = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []

const destinationNames = (destinations: unknown): string[] => {
  const names: string[] = []
  if (!isObject(destinations)) return names
  for (const list of Object.values(destinations)) {
    for (const d of Array.isArray(list) ? list : [list])
      if (isObject(d) && typeof d['name'] === 'string') names.push(d['name'])
  }
  return names
}

const readFlows = (
  raw: unknown,
  at: string,
  declared: ReadonlySet<string>,
  destinations: readonly string[],
  problems: DcrProblem[],
): DcrDataFlow[] => {
  const error = (code: string, path: string, message: string) =>
    problems.push({ severity: 'error', code, path, message })
  if (!Array.isArray(raw) || raw.length === 0) {
    error('InvalidDataFlow', `${at}properties.dataFlows`, 'a DCR needs at least one data flow')
    return []
  }
  if (raw.length > DCR_LIMITS.maxDataFlows)
    error(
      'InvalidDataFlow',
      `${at}properties.dataFlows`,
      `${raw.length} data flows; a DCR may have at most ${DCR_LIMITS.maxDataFlows}`,
    )
  const flows: DcrDataFlow[] = []
  raw.forEach((f: unknown, index: number) => {
    const path = `${at}properties.dataFlows[${index}]`
    if (!isObject(f)) {
      error('InvalidDataFlow', path, 'a data flow must be an object')
      return
    }
    const streams = stringList(f['streams'])
    const dests = stringList(f['destinations'])
    const transformKql = str(f['transformKql']) ?? 'source'
    const outputStream = str(f['outputStream'])
    if (streams.length === 0) error('InvalidDataFlow', path, "a data flow needs a non-empty 'streams' array")
    if (dests.length === 0) error('InvalidDataFlow', path, 'a data flow needs at least one destination')
    for (const d of dests) {
      if (!isExpression(d) && !destinations.includes(d))
        error(
          'InvalidDestination',
          path,
          `destination '${d}' is not defined in properties.destinations (defined: ${destinations.join(', ') || 'none'})`,
        )
    }
    if (transformKql.length > DCR_LIMITS.maxTransformLength)
      error(
        'InvalidTransformQuery',
        `${path}.transformKql`,
        `${transformKql.length} characters; the limit is ${DCR_LIMITS.maxTransformLength}`,
      )
    if (transformKql.trim() !== 'source' && streams.length > 1)
      error('InvalidDataFlow', path, 'a data flow with a transformation must read exactly one stream')
    for (const s of streams) {
      if (s.startsWith('Custom-') && !declared.has(s))
        error('InvalidStream', path, `stream '${s}' is not declared in properties.streamDeclarations`)
      else if (!s.startsWith('Custom-') && !s.startsWith('Microsoft-'))
        error('InvalidStream', path, `stream '${s}' must be a custom stream (Custom-…) or a Microsoft- stream`)
      if (outputStream === undefined && s.startsWith('Custom-'))
        error(
          'InvalidOutputStream',
          path,
          `'outputStream' is required for the custom stream '${s}' (Custom-<Table>_CL or Microsoft-<Table>)`,
        )
    }
    if (outputStream !== undefined && !isExpression(outputStream) && !OUTPUT_STREAM.test(outputStream))
      error(
        'InvalidOutputStream',
        `${path}.outputStream`,
        `'${outputStream}' must be 'Custom-<Table>_CL' (a custom table) or 'Microsoft-<Table>'`,
      )
    flows.push({ index, streams, destinations: dests, transformKql, outputStream })
  })
  return flows
}

const summarise = ({ resource, at }: Found): DcrSummary => {
  const problems: DcrProblem[] = []
  const props = isObject(resource['properties']) ? resource['properties'] : {}
  const kind = str(resource['kind'])
  const location = str(resource['location'])
  const endpoints = isObject(props['endpoints']) ? props['endpoints'] : {}
  const logsIngestionEndpoint = str(endpoints['logsIngestion'])
  if (kind === undefined || (kind.toLowerCase() !== 'direct' && !isExpression(kind))) {
    if (logsIngestionEndpoint === undefined) {
      problems.push({
        severity: 'warning',
        code: 'NotDirect',
        path: `${at}kind`,
        message: `kind is ${kind === undefined ? 'missing' : `'${kind}'`}: the DCR gets no logs ingestion endpoint. Create it with "kind": "Direct" (it cannot be added later), or send through a data collection endpoint (DCE)`,
      })
    }
  }
  if (isPlaceholder(location))
    problems.push({
      severity: 'warning',
      code: 'Placeholder',
      path: `${at}location`,
      message: `${location} is a placeholder: set the workspace's region`,
    })
  const declarationsRaw = isObject(props['streamDeclarations']) ? props['streamDeclarations'] : {}
  const streams: StreamDeclaration[] = []
  for (const [streamName, raw] of Object.entries(declarationsRaw)) {
    const where = `${at}properties.streamDeclarations${quote(streamName)}`
    if (!streamName.startsWith('Custom-')) {
      problems.push({
        severity: 'error',
        code: 'InvalidStreamDeclaration',
        path: where,
        message: `stream '${streamName}' must start with 'Custom-'`,
      })
      continue
    }
    streams.push({ streamName, columns: readColumns(raw, where, problems) })
  }
  const destinations = destinationNames(props['destinations'])
  if (isObject(props['destinations'])) {
    for (const [kindName, list] of Object.entries(props['destinations'])) {
      ;(Array.isArray(list) ? list : [list]).forEach((d: unknown, i: number) => {
        if (isObject(d) && isPlaceholder(d['workspaceResourceId']))
          problems.push({
            severity: 'warning',
            code: 'Placeholder',
            path: `${at}properties.destinations.${kindName}[${i}].workspaceResourceId`,
            message: `${String(d['workspaceResourceId'])} is a placeholder: set the workspace's resource id`,
          })
      })
    }
  }
  const declared = new Set(streams.map((s) => s.streamName))
  const dataFlows = readFlows(props['dataFlows'], at, declared, destinations, problems)
  for (const s of streams) {
    if (!dataFlows.some((f) => f.streams.includes(s.streamName)))
      problems.push({
        severity: 'warning',
        code: 'UnusedStream',
        path: `${at}properties.streamDeclarations${quote(s.streamName)}`,
        message: `no data flow reads '${s.streamName}': records sent to it are not stored anywhere`,
      })
  }
  return {
    name: str(resource['name']),
    kind,
    location,
    immutableId: str(props['immutableId']),
    logsIngestionEndpoint,
    streams,
    dataFlows,
    destinations,
    problems,
  }
}

/** Reads every DCR in a document and checks it the way DCR creation does. Never throws. */
export const readDcr = (doc: unknown): ReadDcrResult => {
  const found = unwrap(doc)
  return typeof found === 'string' ? { ok: false, message: found } : { ok: true, dcrs: found.map(summarise) }
}

const describeErrors = (problems: readonly DcrProblem[]): string =>
  problems
    .filter((p) => p.severity === 'error')
    .map((p) => `${p.path}: ${p.message}`)
    .join('; ')

/** An inline declaration: `[{name, type}]` or `{ columns: [...] }`. */
const inline = (raw: unknown, streamName: string): StreamDeclarationResult => {
  const problems: DcrProblem[] = []
  const columns = readColumns(Array.isArray(raw) ? { columns: raw } : raw, 'declaration', problems)
  const errors = describeErrors(problems)
  return errors === ''
    ? { ok: true, declaration: { streamName, columns } }
    : { ok: false, message: `invalid stream declaration: ${errors}` }
}

const pick = (
  streams: readonly StreamDeclaration[],
  streamName: string | undefined,
  where: string,
): StreamDeclarationResult => {
  const names = streams.map((s) => s.streamName)
  if (streamName === undefined) {
    if (streams.length === 1) return { ok: true, declaration: streams[0]! }
    return {
      ok: false,
      message:
        streams.length === 0
          ? `${where} declares no custom stream`
          : `${where} declares several streams (${names.join(', ')}); say which one (streamName)`,
    }
  }
  const declaration = streams.find((s) => s.streamName === streamName)
  if (declaration !== undefined) return { ok: true, declaration }
  const near = streams.find((s) => s.streamName.toLowerCase() === streamName.toLowerCase())
  return {
    ok: false,
    message: `${where} does not declare the stream '${streamName}'${near ? ` (stream names are case-sensitive: '${near.streamName}')` : ''}; it declares ${names.join(', ') || 'none'}`,
  }
}

/**
 * The stream declaration to check records against, from an inline declaration (`[{name, type}]`,
 * `{ columns }`, or `{ 'Custom-X': { columns } }` as in `@dcr-logs/core/schema/stream-declaration.json`) or from a
 * DCR in any shape `readDcr` reads. `streamName` picks the stream when there are several. Never throws.
 */
export const resolveStreamDeclaration = (
  input: unknown,
  options: { streamName?: string } = {},
): StreamDeclarationResult => {
  if (Array.isArray(input) || (isObject(input) && Array.isArray(input['columns']))) {
    return inline(input, options.streamName ?? 'Custom-Stream')
  }
  if (!isObject(input))
    return { ok: false, message: 'a stream declaration must be a JSON object or an array of columns' }
  const keys = Object.keys(input)
  if (keys.length > 0 && keys.every((k) => k.startsWith('Custom-') && isObject(input[k]))) {
    const problems: DcrProblem[] = []
    const streams = keys.map((k) => ({ streamName: k, columns: readColumns(input[k], quote(k), problems) }))
    const errors = describeErrors(problems)
    return errors === ''
      ? pick(streams, options.streamName, 'the declaration')
      : { ok: false, message: `invalid stream declaration: ${errors}` }
  }
  const read = readDcr(input)
  if (!read.ok) return read
  const all = read.dcrs.flatMap((d) => d.streams)
  const errors = describeErrors(
    read.dcrs
      .flatMap((d) => d.problems)
      .filter((p) => p.code.startsWith('InvalidColumn') || p.code === 'InvalidStreamDeclaration'),
  )
  if (errors !== '') return { ok: false, message: `the DCR's stream declaration is invalid: ${errors}` }
  return pick(all, options.streamName, 'the DCR')
}
