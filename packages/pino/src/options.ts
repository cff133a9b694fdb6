/**
 * Options of the pino target, their defaults, and their validation. The target runs in pino's worker thread,
 * so every option is structured-clone-safe: credentials are configs (or `AZURE_*` variables) turned into
 * credentials inside the worker, and custom mapping is declarative or a module path.
 */
import {
  type ColumnMapSpec,
  type CredentialConfig,
  type LogsIngestionClientOptions,
  LogsIngestionError,
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
  /** Extra `Resource` entries, e.g. `{ 'deployment.environment': 'prod' }`. */
  resource?: Record<string, unknown>
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
  /** Deadline of the final flush when the logger ends; below pino's 10 s exit window. @defaultValue `PINO_DEFAULTS.closeTimeoutMs` */
  closeTimeoutMs?: number
  /** Deadline of `logger.flush()`; without it, flush waits until everything is delivered or dropped. */
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
  scopeName: string
  scopeVersion: string | undefined
  columns: ColumnMapSpec | undefined
  defaultColumns: boolean
  restColumn: string | undefined
  mapperModule: string | undefined
  maxLineBytes: number
  closeTimeoutMs: number
  flushTimeoutMs: number | undefined
  overflowWaitMs: number
  reportIntervalMs: number
  warnings: boolean
  /** What goes to `createLogsIngestionClient()` (without `onDrop`, which the transport adds). */
  client: LogsIngestionClientOptions
}

const ADAPTER_KEYS = [
  'messageKey',
  'errorKey',
  'customLevels',
  'severityNumbers',
  'serviceName',
  'resource',
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

/**
 * Validates the target's options and splits them: adapter options here, the rest for core (which validates
 * its own and reads `DCR_LOGS_*` / `AZURE_*`). Throws `LogsIngestionError` `INVALID_OPTIONS`.
 * In-process use (not through `pino.transport()`) may also pass a `TokenCredential` and an `onDrop` function:
 * they reach core unchanged.
 */
export function resolvePinoOptions(options: unknown = {}): ResolvedPinoOptions {
  if (options === null || options === undefined) options = {}
  if (!isRecord(options)) throw invalid('options', options, 'an options object')
  const client: Record<string, unknown> = { ...options }
  for (const key of ADAPTER_KEYS) delete client[key]
  // pino adds these to every target's options; they are not ours to check
  for (const key of PINO_INJECTED_KEYS) delete client[key]
  // pino clones a Buffer into a plain Uint8Array; core expects a Buffer or a string
  const ca = client['ca']
  if (ca instanceof Uint8Array && !Buffer.isBuffer(ca)) client['ca'] = Buffer.from(ca)
  if (Array.isArray(ca))
    client['ca'] = ca.map((c) => (c instanceof Uint8Array && !Buffer.isBuffer(c) ? Buffer.from(c) : c))

  const resource = options['resource']
  if (resource !== undefined && !isRecord(resource))
    throw invalid('resource', resource, 'an object of attribute → value')
  const columns = options['columns']
  if (columns !== undefined && !isRecord(columns)) throw invalid('columns', columns, 'an object of column → dot path')
  const defaultColumns = boolean(options, 'defaultColumns', PINO_DEFAULTS.defaultColumns)
  if (!defaultColumns && columns === undefined) {
    throw invalid('columns', columns, 'a column mapping when defaultColumns is false (nothing would be sent)')
  }
  const flushTimeoutMs = options['flushTimeoutMs']
  const closeTimeoutMs = integer(options, 'closeTimeoutMs', PINO_DEFAULTS.closeTimeoutMs, 0, 24 * 3_600_000)
  client['closeTimeoutMs'] = closeTimeoutMs

  return {
    messageKey: optionalString(options, 'messageKey'),
    errorKey: optionalString(options, 'errorKey'),
    customLevels: numberMap(options, 'customLevels', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
    severityNumbers: numberMap(options, 'severityNumbers', 1, 24) ?? {},
    serviceName: optionalString(options, 'serviceName'),
    resource,
    scopeName: optionalString(options, 'scopeName') ?? PINO_DEFAULTS.scopeName,
    scopeVersion: optionalString(options, 'scopeVersion'),
    columns: columns as ColumnMapSpec | undefined,
    defaultColumns,
    restColumn: optionalString(options, 'restColumn'),
    mapperModule: optionalString(options, 'mapperModule'),
    maxLineBytes: integer(options, 'maxLineBytes', PINO_DEFAULTS.maxLineBytes, 1024, 1024 * 1024 * 1024),
    closeTimeoutMs,
    flushTimeoutMs:
      flushTimeoutMs === undefined ? undefined : integer(options, 'flushTimeoutMs', 0, 0, 7 * 24 * 3_600_000),
    overflowWaitMs: integer(options, 'overflowWaitMs', PINO_DEFAULTS.overflowWaitMs, 0, 3_600_000),
    reportIntervalMs: integer(options, 'reportIntervalMs', PINO_DEFAULTS.reportIntervalMs, 0, 3_600_000),
    warnings: boolean(options, 'warnings', PINO_DEFAULTS.warnings),
    client: client as LogsIngestionClientOptions,
  }
}
