/**
 * Reads data collection rules in every shape Azure hands them out (a creation body, a GET response, a REST spec
 * example, an ARM template resource or a whole template) and reports what DCR creation would refuse or what would
 * make records vanish. Pure: no I/O, no ARM expression evaluation.
 */
import type { DcrDataFlow, DcrProblem, DcrSummary, ReadDcrResult, StreamDeclaration } from './dcr-types.js'
import { DCR_LIMITS } from './dcr-types.js'
import { isExpression, isObject, isPlaceholder, type Json, quote, readColumns } from './read-columns.js'

const DCR_TYPE = 'microsoft.insights/datacollectionrules'
const OUTPUT_STREAM = /^(Custom-[A-Za-z0-9_]+_CL|Microsoft-[A-Za-z0-9-]+)$/
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)

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
