/**
 * Options of the pino target, their defaults, and their validation. The target runs in pino's worker thread,
 * so every option is structured-clone-safe: credentials are configs (or `AZURE_*` variables) turned into
 * credentials inside the worker, and custom mapping is declarative or a module path.
 */
import {
  CORE_OPTION_NAMES,
  type ColumnMapSpec,
  type CredentialConfig,
  createResourceFilter,
  type Env,
  envVarFor,
  type LogsIngestionClientOptions,
  LogsIngestionError,
  type ResourceAttributeSelection,
} from '@dcr-logs/core'

/** Core's options that can cross a thread boundary: no `onDrop` function, and a credential config, not an object with methods. */
export type CloneSafeClientOptions = Omit<LogsIngestionClientOptions, 'credential' | 'onDrop'> & {
  /** A clone-safe credential config; without it `AZURE_*` environment variables select one (read in the worker). */
  credential?: CredentialConfig
}

/** The options the pino target adds to core's. */
export interface PinoAdapterOptions {
  /** Field holding the message. @defaultValue pino's `messageKey` (sent by pino ≥ 8.21), else `'msg'` */
  messageKey?: string
  /** Field holding the serialised error. @defaultValue pino's `errorKey`, else `'err'` */
  errorKey?: string
  /** Custom levels (label → number), for pino < 8.21 which does not send its configuration to the worker. */
  customLevels?: Record<string, number>
  /** Level label → `SeverityNumber` (1–24) for custom levels the number does not describe (default: nearest lower built-in level). */
  severityNumbers?: Record<string, number>
  /** `ServiceName` of every record. @defaultValue the line's `name` (pino's `name` option) */
  serviceName?: string
  /** Extra `Resource` entries, e.g. `{ 'deployment.environment.name': 'prod' }`, always written. */
  resource?: Record<string, unknown>
  /**
   * Which of the line's own facts (`service.name` from `name`, `host.name`, `process.pid`) go to `Resource`: names
   * and `prefix.*` patterns, `'all'`, or `[]` for none. @defaultValue core's `DEFAULT_RESOURCE_ATTRIBUTES`
   */
  resourceAttributes?: ResourceAttributeSelection
  /** `ScopeName` column. @defaultValue `PINO_DEFAULTS.scopeName` */
  scopeName?: string
  /** `ScopeVersion` column. */
  scopeVersion?: string
  /**
   * Declarative columns (column → dot path into the pino line, or `{ path, type, default }`), see core's
   * `createColumnMapper`. Merged over the default mapping, or the whole mapping with `defaultColumns: false`.
   */
  columns?: ColumnMapSpec
  /** With `false`, only `columns` (and `restColumn`) are sent, for a table of your own. @defaultValue `true` */
  defaultColumns?: boolean
  /** With `defaultColumns: false`: the column collecting the fields `columns` does not read. */
  restColumn?: string
  /**
   * A module loaded inside the worker whose default (or `mapLine`) export is
   * `(line, columns) => columns | null | undefined`: it receives the parsed line and the mapped columns and
   * returns the record to send, or `null`/`undefined` to skip the line (counted as `filtered`).
   * An absolute path, a `file:` URL, a path relative to the working directory, or a package name.
   */
  mapperModule?: string
  /** Lines longer than this (UTF-8 bytes) are skipped and reported, not parsed. @defaultValue `PINO_DEFAULTS.maxLineBytes` */
  maxLineBytes?: number
  /**
   * Deadline of the final flush when the logger ends (also from `DCR_LOGS_CLOSE_TIMEOUT_MS`). In pino's worker at
   * most `PINO_DEFAULTS.maxWorkerCloseTimeoutMs`: pino terminates the worker after 10 s. @defaultValue `PINO_DEFAULTS.closeTimeoutMs`
   */
  closeTimeoutMs?: number
  /** Deadline of `logger.flush()`: records still pending then stay queued and keep being retried. @defaultValue `PINO_DEFAULTS.flushTimeoutMs` */
  flushTimeoutMs?: number
  /** With `overflow: 'wait'`: the longest the worker pauses reading for buffer space before pushing anyway (and dropping). @defaultValue `PINO_DEFAULTS.overflowWaitMs` */
  overflowWaitMs?: number
  /** Coalescing window of `dcr-logs:drop` / `dcr-logs:invalid-lines` events. @defaultValue `PINO_DEFAULTS.reportIntervalMs` */
  reportIntervalMs?: number
  /** Process warnings on the first drop of each reason, and a summary on stderr at exit when records were lost. @defaultValue `PINO_DEFAULTS.warnings` */
  warnings?: boolean
}

/** Everything `{ target: '@dcr-logs/pino', options }` accepts. */
export type PinoTransportOptions = CloneSafeClientOptions & PinoAdapterOptions

/**
 * In-process use (`pino(await dcrLogsTransport(options))`, no worker): nothing is cloned, so `credential` may be
 * any `TokenCredential` and `onDrop` a function.
 */
export type InProcessTransportOptions = Omit<PinoTransportOptions, 'credential'> &
  Pick<LogsIngestionClientOptions, 'credential' | 'onDrop'>

/** The pino target's defaults, in one place (core's options default in core's `DEFAULTS`). */
export const PINO_DEFAULTS = Object.freeze({
  scopeName: 'pino',
  defaultColumns: true,
  /** Four times Azure's 1 MiB request cap: longer lines cannot be sent even after core truncates fields. */
  maxLineBytes: 4 * 1024 * 1024,
  /** pino's `end()` gives the worker 10 s (10 × 1 s `Atomics.wait`) before terminating it. */
  closeTimeoutMs: 8_000,
  /** The longest close deadline in pino's worker: the rest of the 10 s is for reading the last lines and reporting. */
  maxWorkerCloseTimeoutMs: 9_000,
  /** An outage must not hold a serverless handler's `logger.flush()` for core's whole retry budget. */
  flushTimeoutMs: 10_000,
  /** Pausing the worker moves pino's buffering to an unbounded array on the main thread: keep it short. */
  overflowWaitMs: 1_000,
  reportIntervalMs: 1_000,
  warnings: true,
})

/** Options after defaults and validation, split between the adapter and core. */
export interface ResolvedPinoOptions {
  messageKey: string | undefined
  errorKey: string | undefined
  customLevels: Readonly<Record<string, number>> | undefined
  severityNumbers: Readonly<Record<string, number>>
  serviceName: string | undefined
  resource: Readonly<Record<string, unknown>> | undefined
  resourceAttributes: ResourceAttributeSelection | undefined
  scopeName: string
  scopeVersion: string | undefined
  columns: ColumnMapSpec | undefined
  defaultColumns: boolean
  restColumn: string | undefined
  mapperModule: string | undefined
  maxLineBytes: number
  /** The option as given; the deadline in effect also reads `DCR_LOGS_CLOSE_TIMEOUT_MS` (see `closeTimeoutFor`). */
  closeTimeoutMs: number | undefined
  flushTimeoutMs: number
  overflowWaitMs: number
  reportIntervalMs: number
  warnings: boolean
  /** What goes to `createLogsIngestionClient()`: core's options only (the transport adds `onDrop`). */
  client: LogsIngestionClientOptions
  /** Option names no one knows (warned about, or refused with `strictOptions`, once core has resolved it). */
  unknown: string[]
}

const ADAPTER_KEYS = [
  'messageKey',
  'errorKey',
  'customLevels',
  'severityNumbers',
  'serviceName',
  'resource',
  'resourceAttributes',
  'scopeName',
  'scopeVersion',
  'columns',
  'defaultColumns',
  'restColumn',
  'mapperModule',
  'maxLineBytes',
  'closeTimeoutMs',
  'flushTimeoutMs',
  'overflowWaitMs',
  'reportIntervalMs',
  'warnings',
] as const satisfies ReadonlyArray<keyof PinoAdapterOptions>

const invalid = (option: string, got: unknown, expected: string): LogsIngestionError =>
  new LogsIngestionError(
    'INVALID_OPTIONS',
    `Invalid option "${option}" of @dcr-logs/pino: expected ${expected} (got ${describe(got)}).`,
  )

const describe = (value: unknown): string => {
  if (typeof value === 'string') return JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}…` : value)
  if (typeof value === 'function') return 'a function'
  if (value === null || typeof value !== 'object') return String(value)
  return Array.isArray(value) ? 'an array' : 'an object'
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const optionalString = (options: Record<string, unknown>, key: string): string | undefined => {
  const value = options[key]
  if (value === undefined) return undefined
  if (typeof value !== 'string' || value === '') throw invalid(key, value, 'a non-empty string')
  return value
}

const integer = (options: Record<string, unknown>, key: string, fallback: number, min: number, max: number): number => {
  const value = options[key] ?? fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(key, value, `an integer from ${min} to ${max}`)
  }
  return value
}

const numberMap = (options: Record<string, unknown>, key: string, min: number, max: number) => {
  const value = options[key]
  if (value === undefined) return undefined
  if (!isRecord(value)) throw invalid(key, value, 'an object of level label → number')
  for (const [label, n] of Object.entries(value)) {
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
      throw invalid(`${key}.${label}`, n, `an integer from ${min} to ${max}`)
    }
  }
  return value as Record<string, number>
}

const boolean = (options: Record<string, unknown>, key: string, fallback: boolean): boolean => {
  const value = options[key] ?? fallback
  if (typeof value !== 'boolean') throw invalid(key, value, 'true or false')
  return value
}

/** Keys pino itself adds to a transport target's options (`lib/transport.js`). */
const PINO_INJECTED_KEYS = ['$context', 'pinoWillSendConfig'] as const

const CORE_KEYS: ReadonlySet<string> = new Set(CORE_OPTION_NAMES)
const OWN_KEYS: ReadonlySet<string> = new Set([...ADAPTER_KEYS, ...PINO_INJECTED_KEYS])

/** Every option name the target knows, for the unknown-name check. */
export const KNOWN_OPTION_NAMES: ReadonlySet<string> = new Set([...CORE_OPTION_NAMES, ...ADAPTER_KEYS])

/** Where the transport runs: pino's worker gives `close()` 10 s before terminating it. */
export interface ResolveContext {
  /** True inside pino's worker thread. */
  worker?: boolean
}

/**
 * Validates the target's options and splits them: adapter options here, core's for core (which validates
 * its own and reads `DCR_LOGS_*` / `AZURE_*`). Throws `LogsIngestionError` `INVALID_OPTIONS`.
 * In-process use (not through `pino.transport()`) may also pass a `TokenCredential` and an `onDrop` function:
 * they reach core unchanged.
 */
export function resolvePinoOptions(options: unknown = {}, context: ResolveContext = {}): ResolvedPinoOptions {
  if (options === null || options === undefined) options = {}
  if (!isRecord(options)) throw invalid('options', options, 'an options object')
  const client: Record<string, unknown> = {}
  const unknown: string[] = []
  for (const [key, value] of Object.entries(options)) {
    if (CORE_KEYS.has(key)) client[key] = value
    else if (!OWN_KEYS.has(key)) unknown.push(key)
  }
  // pino clones a Buffer into a plain Uint8Array; core expects a Buffer or a string
  const ca = client['ca']
  if (ca instanceof Uint8Array && !Buffer.isBuffer(ca)) client['ca'] = Buffer.from(ca)
  if (Array.isArray(ca))
    client['ca'] = ca.map((c) => (c instanceof Uint8Array && !Buffer.isBuffer(c) ? Buffer.from(c) : c))

  const resource = options['resource']
  if (resource !== undefined && !isRecord(resource))
    throw invalid('resource', resource, 'an object of attribute → value')
  const resourceAttributes = options['resourceAttributes']
  if (resourceAttributes !== undefined) {
    try {
      createResourceFilter(resourceAttributes as ResourceAttributeSelection)
    } catch {
      throw invalid(
        'resourceAttributes',
        resourceAttributes,
        `'all' or an array of attribute names and "prefix.*" patterns`,
      )
    }
  }
  const columns = options['columns']
  if (columns !== undefined && !isRecord(columns)) throw invalid('columns', columns, 'an object of column → dot path')
  const defaultColumns = boolean(options, 'defaultColumns', PINO_DEFAULTS.defaultColumns)
  if (!defaultColumns && columns === undefined) {
    throw invalid('columns', columns, 'a column mapping when defaultColumns is false (nothing would be sent)')
  }
  const maxClose = context.worker ? PINO_DEFAULTS.maxWorkerCloseTimeoutMs : 24 * 3_600_000
  const closeTimeoutMs =
    options['closeTimeoutMs'] === undefined ? undefined : closeDeadline(options['closeTimeoutMs'], maxClose)

  return {
    messageKey: optionalString(options, 'messageKey'),
    errorKey: optionalString(options, 'errorKey'),
    customLevels: numberMap(options, 'customLevels', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
    severityNumbers: numberMap(options, 'severityNumbers', 1, 24) ?? {},
    serviceName: optionalString(options, 'serviceName'),
    resource,
    resourceAttributes: resourceAttributes as ResourceAttributeSelection | undefined,
    scopeName: optionalString(options, 'scopeName') ?? PINO_DEFAULTS.scopeName,
    scopeVersion: optionalString(options, 'scopeVersion'),
    columns: columns as ColumnMapSpec | undefined,
    defaultColumns,
    restColumn: optionalString(options, 'restColumn'),
    mapperModule: optionalString(options, 'mapperModule'),
    maxLineBytes: integer(options, 'maxLineBytes', PINO_DEFAULTS.maxLineBytes, 1024, 1024 * 1024 * 1024),
    closeTimeoutMs,
    flushTimeoutMs: integer(options, 'flushTimeoutMs', PINO_DEFAULTS.flushTimeoutMs, 0, 7 * 24 * 3_600_000),
    overflowWaitMs: integer(options, 'overflowWaitMs', PINO_DEFAULTS.overflowWaitMs, 0, 3_600_000),
    reportIntervalMs: integer(options, 'reportIntervalMs', PINO_DEFAULTS.reportIntervalMs, 0, 3_600_000),
    warnings: boolean(options, 'warnings', PINO_DEFAULTS.warnings),
    client: client as LogsIngestionClientOptions,
    unknown,
  }
}

const closeDeadline = (value: unknown, max: number, source = 'closeTimeoutMs'): number => {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    const why =
      max === PINO_DEFAULTS.maxWorkerCloseTimeoutMs
        ? ` in pino's worker, which pino terminates 10 s after the logger ends (larger deadlines would be cut off without a report)`
        : ''
    throw invalid(source, value, `an integer from 0 to ${max}${why}`)
  }
  return value
}

/**
 * The close deadline in effect: the option, else `DCR_LOGS_CLOSE_TIMEOUT_MS` (as core resolved it), else
 * `PINO_DEFAULTS.closeTimeoutMs`; refused past pino's window in the worker.
 */
export function closeTimeoutFor(
  resolved: Pick<ResolvedPinoOptions, 'closeTimeoutMs'>,
  coreCloseTimeoutMs: number,
  env: Env,
  context: ResolveContext = {},
): number {
  if (resolved.closeTimeoutMs !== undefined) return resolved.closeTimeoutMs
  const variable = envVarFor('closeTimeoutMs')
  if (env[variable] === undefined || env[variable] === '') return PINO_DEFAULTS.closeTimeoutMs
  const max = context.worker ? PINO_DEFAULTS.maxWorkerCloseTimeoutMs : Number.MAX_SAFE_INTEGER
  return closeDeadline(coreCloseTimeoutMs, max, `closeTimeoutMs (env ${variable})`)
}
