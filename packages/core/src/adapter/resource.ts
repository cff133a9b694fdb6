/**
 * The `Resource` column means the same in every adapter: OpenTelemetry resource attributes (semantic-convention
 * names) of the process that logged, the same on every row it sends. By default only a small set is written,
 * because every byte of it is billed on every row, and not what has a column of its own (`service.name` is
 * `ServiceName`, `host.name` is `HostName`), as `Attributes` does not repeat what fills a column. Pure.
 */

/**
 * Attribute names (exact, or a prefix ending in `.*`) written to `Resource` unless an adapter is told otherwise: the
 * rest of the service's identity, its deployment environment, and the process id.
 */
export const DEFAULT_RESOURCE_ATTRIBUTES: readonly string[] = Object.freeze([
  'service.namespace',
  'service.version',
  'service.instance.id',
  'deployment.environment',
  'deployment.environment.name',
  'process.pid',
])

/** Which resource attributes to write: names and `prefix.*` patterns, or `'all'`. */
export type ResourceAttributeSelection = readonly string[] | 'all'

type Attributes = Readonly<Record<string, unknown>>

/**
 * A filter keeping the selected attributes of a resource, in their order. Returns `undefined` when nothing is
 * left, and the same object when everything is kept.
 * @throws TypeError naming the bad entry when `selection` is neither `'all'` nor a list of non-empty strings.
 */
export const createResourceFilter = (
  selection: ResourceAttributeSelection = DEFAULT_RESOURCE_ATTRIBUTES,
): ((attributes: Attributes | undefined) => Attributes | undefined) => {
  if (selection === 'all') return (attributes) => (attributes && hasKeys(attributes) ? attributes : undefined)
  if (!Array.isArray(selection)) {
    throw new TypeError(`resource attribute selection must be 'all' or an array of names (got ${typeof selection})`)
  }
  const exact = new Set<string>()
  const prefixes: string[] = []
  for (const entry of selection) {
    if (typeof entry !== 'string' || entry === '' || entry === '.*') {
      throw new TypeError(`resource attribute selection: ${JSON.stringify(entry)} is not a name or a "prefix.*"`)
    }
    if (entry === '*') return createResourceFilter('all')
    if (entry.endsWith('.*')) prefixes.push(entry.slice(0, -1))
    else exact.add(entry)
  }
  const keep = (key: string): boolean => exact.has(key) || prefixes.some((p) => key.startsWith(p))
  return (attributes) => {
    if (attributes === undefined || attributes === null) return undefined
    let out: Record<string, unknown> | undefined
    let all = true
    for (const key of Object.keys(attributes)) {
      if (!keep(key)) {
        all = false
        continue
      }
      out ??= {}
      out[key] = attributes[key]
    }
    return all ? (out === undefined ? undefined : attributes) : out
  }
}

const hasKeys = (o: object): boolean => {
  for (const _ in o) return true
  return false
}

/** What an adapter knows by itself about the process that logs (pino reads these from each line, winston once). */
export interface ResourceFacts {
  serviceName?: string | undefined
  hostName?: string | undefined
  pid?: number | undefined
}

/** The facts as resource attributes: `service.name`, `host.name`, `process.pid`. */
export const resourceFacts = (facts: ResourceFacts): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  if (facts.serviceName !== undefined) out['service.name'] = facts.serviceName
  if (facts.hostName !== undefined) out['host.name'] = facts.hostName
  if (facts.pid !== undefined) out['process.pid'] = facts.pid
  return out
}

/** `Resource` for a record's service, host and process id. */
export type ResourceLookup = (
  serviceName: string | undefined,
  hostName: string | undefined,
  pid: number | undefined,
) => Attributes | undefined

/**
 * The `Resource` column of winston and pino: the user's `resource` option (always written), then the facts the
 * selection keeps, which win over the option (what the record says about itself is current). With a one-entry
 * memory: consecutive records of one process share one frozen object instead of building one each.
 */
export const createResourceCache = (
  extra: Attributes | undefined,
  selection: ResourceAttributeSelection = DEFAULT_RESOURCE_ATTRIBUTES,
): ResourceLookup => {
  const select = createResourceFilter(selection)
  const build = (facts: ResourceFacts): Attributes | undefined => {
    const out = { ...extra, ...select(resourceFacts(facts)) }
    return hasKeys(out) ? Object.freeze(out) : undefined
  }
  let s: string | undefined
  let h: string | undefined
  let p: number | undefined
  let value = build({})
  return (serviceName, hostName, pid) => {
    if (serviceName !== s || hostName !== h || pid !== p) {
      s = serviceName
      h = hostName
      p = pid
      value = build({ serviceName, hostName, pid })
    }
    return value
  }
}
