/**
 * Every option of the client, its default and its environment variable, in one place. This is the only
 * module that reads the environment (`resolveOptions(user, env)` is given `process.env` by the client).
 */
import { credentialFromEnv, validateCredential } from './credential-options.js'
import { cloudForEndpoint, invalid, isLoopbackHost, isNoProxy, parseBool, Redacted, show } from './option-values.js'
import type { PresetName } from './presets/index.js'
import { TABLE_PRESETS } from './presets/index.js'
import { type RouteOptions, validateRoutes } from './routing/route-options.js'
import { DEFAULT_STREAM_NAME } from './schema.js'
import { resolveSpool, type SpoolOptions } from './spool/spool-options.js'

export type { SpoolOptions } from './spool/spool-options.js'
export { SPOOL_DEFAULTS } from './spool/spool-options.js'

import {
  type ConformMode,
  type PresetOptions,
  resolveShaping,
  type StreamDeclarationOption,
} from './shaping/shaping-options.js'
import type { AzureCloud, CredentialConfig, DropEvent, OverflowPolicy, TokenCredential } from './types.js'

/** Options of `createLogsIngestionClient()`. Every field is optional where an environment variable or default exists. */
export interface LogsIngestionClientOptions {
  /** DCR `logsIngestion` endpoint or DCE endpoint, an https URL. Env `DCR_LOGS_ENDPOINT`. Required. */
  endpoint?: string
  /** DCR immutable id, normally `dcr-` + 32 hex characters. Env `DCR_LOGS_RULE_ID`. Required. */
  ruleId?: string
  /** DCR input stream, `Custom-…` or `Microsoft-…`. Env `DCR_LOGS_STREAM_NAME`. @defaultValue `DEFAULTS.streamName` */
  streamName?: string
  /** Any `TokenCredential`, or a clone-safe credential config. Without one, `AZURE_*` environment variables select one. */
  credential?: TokenCredential | CredentialConfig
  /** Token audience such as `https://monitor.azure.us`. Env `DCR_LOGS_AUDIENCE`. Default: from `cloud`. */
  audience?: string
  /** Sovereign cloud. Env `DCR_LOGS_CLOUD`. Default: inferred from the endpoint host (`.azure.us`, `.azure.cn`), else public. */
  cloud?: AzureCloud
  /** Full token scope, overriding `audience`. Env `DCR_LOGS_SCOPE`. Default `${audience}/.default`. */
  scope?: string
  /**
   * Passed to `@azure/identity` credentials built from a config. Env `DCR_LOGS_DISABLE_INSTANCE_DISCOVERY`.
   * Default: true when the authority host is a loopback address (a local emulator), else false.
   */
  disableInstanceDiscovery?: boolean
  /** Extra trusted CA certificate(s) in PEM, added to Node's default roots (and `NODE_EXTRA_CA_CERTS`). */
  ca?: string | Buffer | ReadonlyArray<string | Buffer>
  /** HTTP(S) proxy URL for CONNECT tunnelling, or `false` for none. Env `DCR_LOGS_PROXY`, then `HTTPS_PROXY` (honouring `NO_PROXY`). */
  proxy?: string | false
  /** Allow a plain `http:` endpoint on a loopback host (tests only). Env `DCR_LOGS_ALLOW_INSECURE_HTTP`. @defaultValue `DEFAULTS.allowInsecureHttp` */
  allowInsecureHttp?: boolean
  /** Cap of one request body as sent (gzip bytes when compressed). @defaultValue `DEFAULTS.maxRequestBytes` */
  maxRequestBytes?: number
  /** Cap of one request's JSON before compression, counting `[`, `,` and `]`. @defaultValue `DEFAULTS.maxUncompressedBytes` */
  maxUncompressedBytes?: number
  /** Cap of records in one request. @defaultValue `DEFAULTS.maxRecordsPerRequest` */
  maxRecordsPerRequest?: number
  /** Longest a record waits for its batch to fill before the batch is sent anyway. @defaultValue `DEFAULTS.lingerMs` */
  lingerMs?: number
  /** Requests in flight at once. @defaultValue `DEFAULTS.concurrency` */
  concurrency?: number
  /** Cap of serialised bytes queued and not yet in a request. @defaultValue `DEFAULTS.maxBufferBytes` */
  maxBufferBytes?: number
  /** Cap of records queued and not yet in a request. @defaultValue `DEFAULTS.maxBufferRecords` */
  maxBufferRecords?: number
  /** What `push()` does when the buffer is full. @defaultValue `DEFAULTS.overflow` */
  overflow?: OverflowPolicy
  /** Longest value of one column in UTF-8 bytes; longer ones are cut and end with `truncationMarker`. @defaultValue `DEFAULTS.maxFieldBytes` */
  maxFieldBytes?: number
  /** Appended to truncated values. @defaultValue `DEFAULTS.truncationMarker` */
  truncationMarker?: string
  /** Request body encoding. @defaultValue `DEFAULTS.compression` */
  compression?: 'gzip' | 'none'
  /** zlib level 1–9. @defaultValue `DEFAULTS.compressionLevel` */
  compressionLevel?: number
  /** Deadline of one request, from sending to the response's end. @defaultValue `DEFAULTS.requestTimeoutMs` */
  requestTimeoutMs?: number
  /** Deadline to open a connection (TCP, proxy CONNECT and TLS). @defaultValue `DEFAULTS.connectTimeoutMs` */
  connectTimeoutMs?: number
  /** Total time one batch keeps being retried (429, 5xx, network errors). @defaultValue `DEFAULTS.maxRetryTimeMs` */
  maxRetryTimeMs?: number
  /** First backoff delay. @defaultValue `DEFAULTS.initialDelayMs` */
  initialDelayMs?: number
  /** Longest backoff delay (a longer `Retry-After` is still honoured within `maxRetryTimeMs`). @defaultValue `DEFAULTS.maxDelayMs` */
  maxDelayMs?: number
  /** How long 403 keeps being retried after the first 403 of a streak (role assignments take up to 30 min to apply); replaces `maxRetryTimeMs` for 403. @defaultValue `DEFAULTS.forbiddenRetryMs` */
  forbiddenRetryMs?: number
  /** Cut batches so they span at most this much `TimeGenerated` (30 min for Auxiliary tables); 0 = off. @defaultValue `DEFAULTS.maxTimeSpanMs` */
  maxTimeSpanMs?: number
  /** Requests one batch may use to isolate bad records after a 400. @defaultValue `DEFAULTS.maxBisectRequests` */
  maxBisectRequests?: number
  /** Refresh a token this long before it expires. @defaultValue `DEFAULTS.tokenRefreshMarginMs` */
  tokenRefreshMarginMs?: number
  /** Default deadline of `close()`. @defaultValue `DEFAULTS.closeTimeoutMs` */
  closeTimeoutMs?: number
  /** Receives every record that is not delivered, once, with the reason. Must not throw (errors are ignored). */
  onDrop?: (event: DropEvent) => void
  /** Appended to the `User-Agent` header, e.g. `my-app/1.2`. Env `DCR_LOGS_USER_AGENT_SUFFIX`. */
  userAgentSuffix?: string
  /**
   * Throw `INVALID_OPTIONS` for an unknown option name instead of warning (`DCR_LOGS_UNKNOWN_OPTION`).
   * Env `DCR_LOGS_STRICT_OPTIONS`. @defaultValue `DEFAULTS.strictOptions`
   */
  strictOptions?: boolean
  /**
   * A built-in table preset: each record (of the default shape) is mapped to the table's columns after the
   * adapter's mapping; implies the preset's stream declaration and, as the default `streamName`, its stream.
   * Env `DCR_LOGS_PRESET`.
   */
  preset?: PresetName
  /** Options of the preset: `facility` (syslog); `deviceVendor`, `deviceProduct` (commonSecurityLog). */
  presetOptions?: PresetOptions
  /**
   * The DCR stream's declaration, to check records against before sending (see `conform`): the columns, or
   * `{ file }` (a DCR or declaration JSON file). `fetchStreamDeclaration()` reads it from Azure.
   * Env `DCR_LOGS_STREAM_DECLARATION` (a file path).
   */
  streamDeclaration?: StreamDeclarationOption
  /** What to do with records that do not fit the stream declaration. @defaultValue `DEFAULTS.conform` */
  conform?: ConformMode
  /** Routes: records matching a route go to its stream or DCR; the others to the top-level one. */
  routes?: readonly RouteOptions[]
  /**
   * Durable spool: records are written to segment files in `dir` as they are accepted and kept until delivered or
   * dropped; leftovers are sent first on the next start; memory overflow spills there. Off by default.
   * Env `DCR_LOGS_SPOOL_DIR`, `DCR_LOGS_SPOOL_MAX_BYTES`.
   */
  spool?: SpoolOptions | false
}

/** Every option name of `LogsIngestionClientOptions`, at run time (for the unknown-name check). */
export const CORE_OPTION_NAMES = [
  'endpoint',
  'ruleId',
  'streamName',
  'credential',
  'audience',
  'cloud',
  'scope',
  'disableInstanceDiscovery',
  'ca',
  'proxy',
  'allowInsecureHttp',
  'maxRequestBytes',
  'maxUncompressedBytes',
  'maxRecordsPerRequest',
  'lingerMs',
  'concurrency',
  'maxBufferBytes',
  'maxBufferRecords',
  'overflow',
  'maxFieldBytes',
  'truncationMarker',
  'compression',
  'compressionLevel',
  'requestTimeoutMs',
  'connectTimeoutMs',
  'maxRetryTimeMs',
  'initialDelayMs',
  'maxDelayMs',
  'forbiddenRetryMs',
  'maxTimeSpanMs',
  'maxBisectRequests',
  'tokenRefreshMarginMs',
  'closeTimeoutMs',
  'onDrop',
  'userAgentSuffix',
  'strictOptions',
  'preset',
  'presetOptions',
  'streamDeclaration',
  'conform',
  'routes',
  'spool',
] as const satisfies ReadonlyArray<keyof LogsIngestionClientOptions>

// a compile error here means an option was added to the interface but not to CORE_OPTION_NAMES
const _everyOptionNamed: Record<
  Exclude<keyof LogsIngestionClientOptions, (typeof CORE_OPTION_NAMES)[number]>,
  never
> = {}
void _everyOptionNamed

/** The defaults, in one place. */
export const DEFAULTS = Object.freeze({
  streamName: DEFAULT_STREAM_NAME,
  allowInsecureHttp: false,
  strictOptions: false,
  /** The service's front door limit on `Content-Length` (1 MiB). */
  maxRequestBytes: 1_048_576,
  /** Below the reported 50 MiB decompressed limit, with a margin. */
  maxUncompressedBytes: 40 * 1024 * 1024,
  maxRecordsPerRequest: 100_000,
  lingerMs: 1_000,
  concurrency: 2,
  /**
   * Room for a burst: 300,000 records of about 360 bytes pushed as fast as one thread serialises them leave up to
   * about 70 MiB waiting while the other core compresses (benchmarks/RESULTS.md, scenario 1). Memory-tight
   * containers lower it; what does not fit is reported (`buffer-full`), never lost silently.
   */
  maxBufferBytes: 128 * 1024 * 1024,
  maxBufferRecords: 500_000,
  overflow: 'drop-oldest' as OverflowPolicy,
  /** The service truncates longer fields silently; we cut first so the cut is visible. */
  maxFieldBytes: 65_536,
  truncationMarker: '…[truncated]',
  compression: 'gzip' as 'gzip' | 'none',
  /**
   * zlib's fastest level: about two thirds of level 6's CPU for about a fifth more bytes (benchmarks/RESULTS.md,
   * scenario 8). On the app's own cores, CPU is the scarcer resource.
   */
  compressionLevel: 1,
  requestTimeoutMs: 30_000,
  connectTimeoutMs: 10_000,
  maxRetryTimeMs: 300_000,
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  forbiddenRetryMs: 300_000,
  maxTimeSpanMs: 0,
  maxBisectRequests: 128,
  tokenRefreshMarginMs: 300_000,
  closeTimeoutMs: 10_000,
  /** Used only with a `streamDeclaration` or a `preset`. */
  conform: 'convert' as ConformMode,
})

/** Options after defaults, environment and validation. */
export interface ResolvedOptions {
  endpoint: URL
  ruleId: string
  streamName: string
  credential: TokenCredential | CredentialConfig
  scope: string
  audience: string
  cloud: AzureCloud
  disableInstanceDiscovery: boolean | undefined
  ca: ReadonlyArray<string | Buffer> | undefined
  /** `NODE_EXTRA_CA_CERTS`: kept when `ca` is given, because an explicit `ca` would otherwise replace it. */
  extraCaFile: string | undefined
  /** Proxy for this endpoint after `NO_PROXY`, or undefined for a direct connection. */
  proxy: URL | undefined
  allowInsecureHttp: boolean
  strictOptions: boolean
  maxRequestBytes: number
  maxUncompressedBytes: number
  maxRecordsPerRequest: number
  lingerMs: number
  concurrency: number
  maxBufferBytes: number
  maxBufferRecords: number
  overflow: OverflowPolicy
  maxFieldBytes: number
  truncationMarker: string
  compression: 'gzip' | 'none'
  compressionLevel: number
  requestTimeoutMs: number
  connectTimeoutMs: number
  maxRetryTimeMs: number
  initialDelayMs: number
  maxDelayMs: number
  forbiddenRetryMs: number
  maxTimeSpanMs: number
  maxBisectRequests: number
  tokenRefreshMarginMs: number
  closeTimeoutMs: number
  onDrop: ((event: DropEvent) => void) | undefined
  userAgentSuffix: string | undefined
  preset: PresetName | undefined
  presetOptions: Readonly<PresetOptions> | undefined
  streamDeclaration: StreamDeclarationOption | undefined
  conform: ConformMode
  /** As given, validated; `[]` without routes. */
  routes: readonly RouteOptions[]
  /** The durable spool, when on (`dir` is absolute). */
  spool: { dir: string; maxBytes: number } | undefined
  /** Unusual but accepted values (for example a ruleId not shaped like `dcr-<32 hex>`). */
  warnings: string[]
}

/** Environment variables read by `resolveOptions` (besides `DCR_LOGS_<OPTION>`). */
export type KnownEnvVar =
  | 'AZURE_TENANT_ID'
  | 'AZURE_CLIENT_ID'
  | 'AZURE_CLIENT_SECRET'
  | 'AZURE_CLIENT_CERTIFICATE_PATH'
  | 'AZURE_FEDERATED_TOKEN_FILE'
  | 'AZURE_AUTHORITY_HOST'
  | 'DCR_LOGS_PROXY'
  | 'HTTPS_PROXY'
  | 'https_proxy'
  | 'NO_PROXY'
  | 'no_proxy'
  | 'NODE_EXTRA_CA_CERTS'
  | 'DCR_LOGS_SPOOL_DIR'
  | 'DCR_LOGS_SPOOL_MAX_BYTES'

export type Env = Readonly<Partial<Record<KnownEnvVar, string>>> & Readonly<Record<string, string | undefined>>

/** Audience per cloud (`KnownMonitorAudience` of the Azure SDK). */
export const AUDIENCES: Readonly<Record<AzureCloud, string>> = Object.freeze({
  public: 'https://monitor.azure.com',
  usgov: 'https://monitor.azure.us',
  china: 'https://monitor.azure.cn',
})

const MAX_MS = 24 * 3600_000
type NumericOption =
  | 'maxRequestBytes'
  | 'maxUncompressedBytes'
  | 'maxRecordsPerRequest'
  | 'lingerMs'
  | 'concurrency'
  | 'maxBufferBytes'
  | 'maxBufferRecords'
  | 'maxFieldBytes'
  | 'compressionLevel'
  | 'requestTimeoutMs'
  | 'connectTimeoutMs'
  | 'maxRetryTimeMs'
  | 'initialDelayMs'
  | 'maxDelayMs'
  | 'forbiddenRetryMs'
  | 'maxTimeSpanMs'
  | 'maxBisectRequests'
  | 'tokenRefreshMarginMs'
  | 'closeTimeoutMs'

/** Numeric options with their valid range (inclusive). */
export const NUMERIC_OPTIONS: ReadonlyArray<readonly [NumericOption, number, number]> = [
  ['maxRequestBytes', 1024, 1_048_576 * 64],
  ['maxUncompressedBytes', 1024, 1024 * 1024 * 1024],
  ['maxRecordsPerRequest', 1, 10_000_000],
  ['lingerMs', 0, MAX_MS],
  ['concurrency', 1, 64],
  ['maxBufferBytes', 1024, Number.MAX_SAFE_INTEGER],
  ['maxBufferRecords', 1, Number.MAX_SAFE_INTEGER],
  ['maxFieldBytes', 64, 1024 * 1024 * 1024],
  ['compressionLevel', 1, 9],
  ['requestTimeoutMs', 1, MAX_MS],
  ['connectTimeoutMs', 1, MAX_MS],
  ['maxRetryTimeMs', 0, 7 * MAX_MS],
  ['initialDelayMs', 0, MAX_MS],
  ['maxDelayMs', 0, MAX_MS],
  ['forbiddenRetryMs', 0, 7 * MAX_MS],
  ['maxTimeSpanMs', 0, 365 * MAX_MS],
  ['maxBisectRequests', 0, 1_000_000],
  ['tokenRefreshMarginMs', 0, MAX_MS],
  ['closeTimeoutMs', 0, MAX_MS],
]

/** `lingerMs` → `DCR_LOGS_LINGER_MS`. */
export const envVarFor = (option: string): string =>
  `DCR_LOGS_${option.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`

const pick = <K extends keyof LogsIngestionClientOptions>(user: LogsIngestionClientOptions, env: Env, key: K) =>
  user[key] !== undefined
    ? { value: user[key] as unknown, from: 'option' }
    : { value: env[envVarFor(key)], from: 'env' }

/**
 * Merges user options, environment variables and `DEFAULTS`, validates them and computes derived values
 * (scope, proxy). Throws `LogsIngestionError` `INVALID_OPTIONS` naming the option, the value (secrets
 * redacted) and what a valid one looks like.
 */
export const resolveOptions = (user: LogsIngestionClientOptions = {}, env: Env = {}): ResolvedOptions => {
  if (user === null || typeof user !== 'object') throw invalid('options', user, 'an options object')
  const warnings: string[] = []

  const bool = (key: 'allowInsecureHttp' | 'disableInstanceDiscovery' | 'strictOptions'): boolean | undefined => {
    const { value } = pick(user, env, key)
    if (value === undefined || value === '') return undefined
    if (typeof value === 'boolean') return value
    if (typeof value === 'string') return parseBool(key, value)
    throw invalid(key, value, 'true or false')
  }
  const allowInsecureHttp = bool('allowInsecureHttp') ?? DEFAULTS.allowInsecureHttp
  const strictOptions = bool('strictOptions') ?? DEFAULTS.strictOptions

  // endpoint
  const endpointRaw = pick(user, env, 'endpoint').value
  const endpointHelp =
    'the https URL of the DCR logsIngestion endpoint or of a DCE, e.g. "https://my-dcr-a1b2.eastus-1.ingest.monitor.azure.com" (option "endpoint" or env DCR_LOGS_ENDPOINT)'
  if (typeof endpointRaw !== 'string' || endpointRaw.trim() === '') throw invalid('endpoint', endpointRaw, endpointHelp)
  // a pasted URL may carry user:password or a signed query string
  const shownEndpoint = endpointRaw.replace(/\/\/[^@/?#]*@/, '//<redacted>@').replace(/\?.*$/s, '?<redacted>')
  let endpoint: URL
  try {
    endpoint = new URL(endpointRaw.trim())
  } catch {
    throw invalid('endpoint', shownEndpoint, endpointHelp)
  }
  if (endpoint.protocol === 'http:') {
    if (!allowInsecureHttp || !isLoopbackHost(endpoint.hostname)) {
      throw invalid(
        'endpoint',
        shownEndpoint,
        `${endpointHelp}; plain http is only allowed with allowInsecureHttp: true and a loopback host`,
      )
    }
  } else if (endpoint.protocol !== 'https:') {
    throw invalid('endpoint', shownEndpoint, endpointHelp)
  }
  if (endpoint.search !== '' || endpoint.hash !== '' || endpoint.username !== '' || endpoint.password !== '') {
    throw invalid('endpoint', shownEndpoint, `${endpointHelp}, without query, fragment or credentials`)
  }
  endpoint.pathname = endpoint.pathname.replace(/\/+$/, '')

  // ruleId
  const ruleId = pick(user, env, 'ruleId').value
  if (typeof ruleId !== 'string' || ruleId.trim() === '' || /[\s/?#]/.test(ruleId.trim())) {
    throw invalid(
      'ruleId',
      ruleId,
      'the DCR immutable id, "dcr-" + 32 hex characters, e.g. "dcr-00000000000000000000000000000000" (option "ruleId" or env DCR_LOGS_RULE_ID)',
    )
  }
  if (!/^dcr-[0-9a-f]{32}$/i.test(ruleId.trim())) {
    warnings.push(
      `ruleId ${show(ruleId)} is not shaped like "dcr-" + 32 hex characters; using it anyway (the format is not formally specified)`,
    )
  }

  // preset, stream declaration and conform (before streamName: a preset implies its stream)
  const shaping = resolveShaping((key) => pick(user, env, key), user.presetOptions, DEFAULTS.conform)
  const routes = validateRoutes(user.routes)

  // streamName
  const streamName =
    pick(user, env, 'streamName').value ??
    (shaping.preset === undefined ? DEFAULTS.streamName : TABLE_PRESETS[shaping.preset].streamName)
  if (typeof streamName !== 'string' || !/^(Custom|Microsoft)-[A-Za-z0-9_-]+$/.test(streamName)) {
    throw invalid(
      'streamName',
      streamName,
      'a DCR input stream name starting with "Custom-" or "Microsoft-", e.g. "Custom-AppLogs"',
    )
  }

  // audience and scope
  const cloudRaw = pick(user, env, 'cloud').value
  if (cloudRaw !== undefined && cloudRaw !== '' && !(typeof cloudRaw === 'string' && cloudRaw in AUDIENCES)) {
    throw invalid('cloud', cloudRaw, '"public", "usgov" or "china"')
  }
  const cloud = (cloudRaw || cloudForEndpoint(endpoint.hostname)) as AzureCloud
  const audienceRaw = pick(user, env, 'audience').value
  if (
    audienceRaw !== undefined &&
    audienceRaw !== '' &&
    (typeof audienceRaw !== 'string' || !/^https:\/\/[^/]+\/?$/.test(audienceRaw))
  ) {
    throw invalid(
      'audience',
      audienceRaw,
      'an https origin such as "https://monitor.azure.us" (without "/.default"; use "scope" for a full scope)',
    )
  }
  const audience = ((audienceRaw as string | undefined) || AUDIENCES[cloud]).replace(/\/$/, '')
  const scopeRaw = pick(user, env, 'scope').value
  if (scopeRaw !== undefined && scopeRaw !== '' && (typeof scopeRaw !== 'string' || !scopeRaw.endsWith('/.default'))) {
    throw invalid('scope', scopeRaw, 'a scope ending in "/.default", e.g. "https://monitor.azure.com/.default"')
  }
  const scope = (scopeRaw as string | undefined) || `${audience}/.default`

  // credential
  const credential = user.credential !== undefined ? validateCredential(user.credential) : credentialFromEnv(env)
  const disableInstanceDiscovery = bool('disableInstanceDiscovery')

  // numbers
  const numbers = {} as Record<NumericOption, number>
  for (const [key, min, max] of NUMERIC_OPTIONS) {
    const { value, from } = pick(user, env, key)
    const n =
      value === undefined || value === ''
        ? DEFAULTS[key]
        : typeof value === 'string' && from === 'env'
          ? Number(value)
          : value
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
      const name = from === 'env' ? `${key}" (env ${envVarFor(key)}` : key
      throw invalid(from === 'env' ? `${name})` : name, value, `an integer from ${min} to ${max}`)
    }
    numbers[key] = n
  }
  const overflow = pick(user, env, 'overflow').value ?? DEFAULTS.overflow
  if (overflow !== 'drop-oldest' && overflow !== 'drop-newest' && overflow !== 'wait') {
    throw invalid('overflow', overflow, '"drop-oldest", "drop-newest" or "wait"')
  }
  const compression = pick(user, env, 'compression').value ?? DEFAULTS.compression
  if (compression !== 'gzip' && compression !== 'none') throw invalid('compression', compression, '"gzip" or "none"')
  const truncationMarker = pick(user, env, 'truncationMarker').value ?? DEFAULTS.truncationMarker
  if (typeof truncationMarker !== 'string' || Buffer.byteLength(truncationMarker) > numbers.maxFieldBytes / 2) {
    throw invalid('truncationMarker', truncationMarker, 'a string shorter than half of maxFieldBytes')
  }
  const userAgentSuffix = pick(user, env, 'userAgentSuffix').value
  if (userAgentSuffix !== undefined && (typeof userAgentSuffix !== 'string' || /[\r\n]/.test(userAgentSuffix))) {
    throw invalid('userAgentSuffix', userAgentSuffix, 'a single-line string such as "my-app/1.2"')
  }
  if (user.onDrop !== undefined && typeof user.onDrop !== 'function')
    throw invalid('onDrop', user.onDrop, 'a function (event) => void')

  // ca
  let ca: ReadonlyArray<string | Buffer> | undefined
  if (user.ca !== undefined) {
    const list = Array.isArray(user.ca) ? user.ca : [user.ca]
    for (const c of list) {
      if (!(typeof c === 'string' || Buffer.isBuffer(c)) || !String(c).includes('-----BEGIN CERTIFICATE-----')) {
        throw invalid(
          'ca',
          typeof c !== 'string'
            ? c
            : c.includes('PRIVATE KEY')
              ? new Redacted('a private key, not shown')
              : `${c.slice(0, 40)}…`,
          'PEM certificate text (-----BEGIN CERTIFICATE-----), or an array of them',
        )
      }
    }
    ca = list as ReadonlyArray<string | Buffer>
  }

  // proxy
  let proxy: URL | undefined
  const proxyRaw =
    user.proxy !== undefined ? user.proxy : env.DCR_LOGS_PROXY || env.HTTPS_PROXY || env.https_proxy || undefined
  if (proxyRaw !== undefined && proxyRaw !== false && proxyRaw !== '') {
    const help = 'an http(s) proxy URL such as "http://proxy.internal:3128", or false'
    if (typeof proxyRaw !== 'string') throw invalid('proxy', proxyRaw, help)
    // proxy URLs may carry user:password
    const shown = proxyRaw.replace(/\/\/[^@/]*@/, '//<redacted>@')
    try {
      proxy = new URL(proxyRaw.includes('://') ? proxyRaw : `http://${proxyRaw}`)
    } catch {
      throw invalid('proxy', shown, help)
    }
    if (proxy.protocol !== 'http:' && proxy.protocol !== 'https:') throw invalid('proxy', shown, help)
    // an explicit option is used as given; environment proxies honour NO_PROXY
    if (user.proxy === undefined && isNoProxy(endpoint, env.NO_PROXY ?? env.no_proxy)) proxy = undefined
  }

  return {
    endpoint,
    spool: resolveSpool(user.spool, env),
    ruleId: ruleId.trim(),
    streamName,
    credential,
    scope,
    audience,
    cloud,
    disableInstanceDiscovery,
    ca,
    extraCaFile: env.NODE_EXTRA_CA_CERTS || undefined,
    proxy,
    allowInsecureHttp,
    strictOptions,
    ...numbers,
    overflow,
    compression,
    truncationMarker,
    onDrop: user.onDrop,
    userAgentSuffix: userAgentSuffix as string | undefined,
    ...shaping,
    routes,
    warnings,
  }
}
