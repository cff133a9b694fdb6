import type { PresetName } from './presets/index.js'
import type { RouteOptions } from './routing/route-options.js'
import { DEFAULT_STREAM_NAME } from './schema.js'
import type { SpoolOptions } from './spool/spool-options.js'

export type { SpoolOptions } from './spool/spool-options.js'
export { SPOOL_DEFAULTS } from './spool/spool-options.js'

import type { ConformMode, PresetOptions, StreamDeclarationOption } from './shaping/shaping-options.js'
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
   * zlib's fastest level: the least CPU per record and the most records/s of levels 1, 3 and 6, for about a fifth
   * more bytes than level 6 (benchmarks/RESULTS.md, "Default compression level"). On the app's own cores, CPU is the
   * scarcer resource.
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
export type NumericOption =
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
