/**
 * The transport's options: core's client options, winston's transport options and this adapter's own, with the
 * adapter's defaults in one place. Core's options and their environment variables are resolved by core.
 */
import {
  CORE_OPTION_NAMES,
  type ColumnMapSpec,
  createResourceFilter,
  type LogColumns,
  type LogsIngestionClientOptions,
  LogsIngestionError,
  type ResourceAttributeSelection,
} from '@dcr-logs/core'
import type TransportStream from 'winston-transport'
import type { BodySource, DefaultColumns, WinstonInfo } from './map-info.ts'

/** winston's own transport options, handled by `winston-transport`. */
export interface WinstonTransportOptions {
  /** Most verbose level this transport ships; the logger's level when unset. */
  level?: string | undefined
  /** Ship nothing (the logger's other transports still log). */
  silent?: boolean | undefined
  /** A format applied to each record for this transport only, after the logger's format. */
  format?: TransportStream.TransportStreamOptions['format'] | undefined
  /** Also ship uncaught exceptions that winston handles, delivered before winston exits (`crashTimeoutMs`). */
  handleExceptions?: boolean | undefined
  /** Also ship unhandled promise rejections that winston handles, delivered before winston exits. */
  handleRejections?: boolean | undefined
  /** Records the transport's stream buffers before `write()` returns false (objectMode). */
  highWaterMark?: number | undefined
}

/** Options of this adapter: how a winston record becomes columns, and its deadlines. */
export interface WinstonMappingOptions {
  /**
   * `Body` from `info.message` (`'message'`), or from the text a finalizing format such as `json()` or `printf()`
   * produced (`'formatted'`, `info[Symbol.for('message')]`, falling back to `message`).
   * @defaultValue `WINSTON_DEFAULTS.bodyFrom`
   */
  bodyFrom?: BodySource | undefined
  /** `ServiceName` of every record; otherwise `resource['service.name']`, the record's `service.name`, then its `service`. */
  serviceName?: string | undefined
  /** Extra `Resource` attributes of every record (`{ 'deployment.environment.name': 'prod' }`), always written. */
  resource?: Readonly<Record<string, unknown>> | undefined
  /**
   * Which of the attributes the transport knows by itself (`service.name`, `host.name`, `process.pid`) go to
   * `Resource`: names and `prefix.*` patterns, `'all'`, or `[]` for none. @defaultValue core's `DEFAULT_RESOURCE_ATTRIBUTES`
   */
  resourceAttributes?: ResourceAttributeSelection | undefined
  /** @defaultValue `WINSTON_DEFAULTS.scopeName` */
  scopeName?: string | undefined
  /** `ScopeVersion` of every record (left out when unset). */
  scopeVersion?: string | undefined
  /** `HostName` of every record. @defaultValue `os.hostname()` */
  hostName?: string | undefined
  /** Level name → `SeverityNumber` (1–24), over the convention (see the README). */
  severityNumbers?: Readonly<Record<string, number>> | undefined
  /**
   * Extra or replacement columns read from each record by dot path, merged over the default columns:
   * `{ TenantId: 'tenant.id', Duration: { path: 'durationMs', type: 'real' } }` (core's `ColumnMapSpec`).
   */
  columns?: ColumnMapSpec | undefined
  /**
   * Last word on each record: gets the mapped columns and the winston info (read it, do not change it) and returns
   * the columns to send, for custom columns and tables; `null` or `undefined` skips the record on purpose. A throw
   * drops the record with reason `invalid-record` (reported to `onDrop` and counted in `stats()`).
   */
  mapRecord?: ((columns: DefaultColumns & LogColumns, info: WinstonInfo) => LogColumns | null | undefined) | undefined
  /** Default deadline of `transport.flush()`. @defaultValue `WINSTON_DEFAULTS.flushTimeoutMs` */
  flushTimeoutMs?: number | undefined
  /**
   * After an uncaught exception or rejection winston exits on, how long delivery may take before what is left is
   * reported dropped and `'finish'` lets winston exit; under winston's own 3 s. @defaultValue `WINSTON_DEFAULTS.crashTimeoutMs`
   */
  crashTimeoutMs?: number | undefined
}

/** Everything `new AzureLogsTransport(options)` accepts. */
export type AzureLogsTransportOptions = LogsIngestionClientOptions & WinstonTransportOptions & WinstonMappingOptions

/** The adapter's defaults; core's defaults live in core (`DEFAULTS` in `@dcr-logs/core`). */
export const WINSTON_DEFAULTS = Object.freeze({
  bodyFrom: 'message' as BodySource,
  scopeName: 'winston',
  flushTimeoutMs: 10_000,
  crashTimeoutMs: 2_500,
})

/** winston exits 3 s after an uncaught exception: the crash deadline must leave it room to report and exit. */
const WINSTON_EXIT_WINDOW_MS = 3_000

/** winston's option names (handled by `winston-transport`). */
export const TRANSPORT_KEYS = [
  'level',
  'silent',
  'format',
  'handleExceptions',
  'handleRejections',
  'highWaterMark',
] as const satisfies ReadonlyArray<keyof WinstonTransportOptions>

/** This adapter's option names. */
export const MAPPING_KEYS = [
  'bodyFrom',
  'serviceName',
  'resource',
  'resourceAttributes',
  'scopeName',
  'scopeVersion',
  'hostName',
  'severityNumbers',
  'columns',
  'mapRecord',
  'flushTimeoutMs',
  'crashTimeoutMs',
] as const satisfies ReadonlyArray<keyof WinstonMappingOptions>

/** Every option name the transport knows, for the unknown-name check. */
export const KNOWN_OPTION_NAMES: ReadonlySet<string> = new Set([
  ...CORE_OPTION_NAMES,
  ...TRANSPORT_KEYS,
  ...MAPPING_KEYS,
])

const CORE_KEYS: ReadonlySet<string> = new Set(CORE_OPTION_NAMES)

/** The options split by owner, so core only sees (and validates) its own. */
export interface SplitOptions {
  core: LogsIngestionClientOptions
  /** Only defined values: `winston-transport` types its options without `undefined`. */
  transport: TransportStream.TransportStreamOptions & { highWaterMark?: number }
  mapping: WinstonMappingOptions
}

/** Splits by owner. Names nobody knows go nowhere (the caller warns about them, once, naming the closest one). */
export const splitOptions = (options: AzureLogsTransportOptions): SplitOptions => {
  const core: Record<string, unknown> = {}
  const transport: Record<string, unknown> = {}
  const mapping: Record<string, unknown> = {}
  const transportKeys: ReadonlySet<string> = new Set(TRANSPORT_KEYS)
  const mappingKeys: ReadonlySet<string> = new Set(MAPPING_KEYS)
  for (const [key, value] of Object.entries(options)) {
    if (CORE_KEYS.has(key)) core[key] = value
    else if (value === undefined) continue
    else if (transportKeys.has(key)) transport[key] = value
    else if (mappingKeys.has(key)) mapping[key] = value
  }
  return {
    core: core as LogsIngestionClientOptions,
    transport: transport as SplitOptions['transport'],
    mapping: mapping as WinstonMappingOptions,
  }
}

const BODY_SOURCES: readonly BodySource[] = ['message', 'formatted']

const invalid = (name: string, expected: string, value: unknown): never => {
  throw new LogsIngestionError(
    'INVALID_OPTIONS',
    `AzureLogsTransport: option "${name}" must be ${expected} (got ${describe(value)})`,
  )
}

/** Throws `INVALID_OPTIONS` naming the option for adapter options of the wrong shape (core validates its own). */
export const validateMappingOptions = (mapping: WinstonMappingOptions): void => {
  if (mapping.bodyFrom !== undefined && !BODY_SOURCES.includes(mapping.bodyFrom)) {
    invalid('bodyFrom', `one of ${BODY_SOURCES.map((s) => `'${s}'`).join(', ')}`, mapping.bodyFrom)
  }
  for (const name of ['serviceName', 'scopeName', 'scopeVersion', 'hostName'] as const) {
    const value = mapping[name]
    if (value !== undefined && typeof value !== 'string') invalid(name, 'a string', value)
  }
  for (const name of ['resource', 'columns', 'severityNumbers'] as const) {
    const value = mapping[name]
    if (value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) {
      invalid(name, 'a plain object', value)
    }
  }
  for (const [level, n] of Object.entries(mapping.severityNumbers ?? {})) {
    if (!Number.isInteger(n) || n < 1 || n > 24) invalid(`severityNumbers.${level}`, 'an integer from 1 to 24', n)
  }
  const selection = mapping.resourceAttributes
  if (selection !== undefined) {
    try {
      createResourceFilter(selection)
    } catch {
      invalid('resourceAttributes', `'all' or an array of attribute names and "prefix.*" patterns`, selection)
    }
  }
  if (mapping.mapRecord !== undefined && typeof mapping.mapRecord !== 'function') {
    invalid('mapRecord', 'a function (columns, info) => columns', mapping.mapRecord)
  }
  const flush = mapping.flushTimeoutMs
  if (flush !== undefined && !(Number.isInteger(flush) && flush >= 0)) {
    invalid('flushTimeoutMs', 'a non-negative integer of milliseconds', flush)
  }
  const crash = mapping.crashTimeoutMs
  if (crash !== undefined && !(Number.isInteger(crash) && crash >= 0 && crash < WINSTON_EXIT_WINDOW_MS)) {
    invalid(
      'crashTimeoutMs',
      `an integer of milliseconds from 0 to ${WINSTON_EXIT_WINDOW_MS - 1} (winston exits ${WINSTON_EXIT_WINDOW_MS} ms after an uncaught exception)`,
      crash,
    )
  }
}

/** `overflow: 'wait'` needs a producer that can wait; winston's `log()` cannot (its callback races `end()`). */
export const refuseWaitOverflow = (overflow: string, fromEnv: boolean): void => {
  if (overflow !== 'wait') return
  throw new LogsIngestionError(
    'INVALID_OPTIONS',
    `AzureLogsTransport: overflow "wait"${fromEnv ? ' (from DCR_LOGS_OVERFLOW)' : ''} is not supported: winston cannot be ` +
      "held back by a transport (a delayed callback races logger.end()). Use 'drop-oldest' (the default) or " +
      "'drop-newest', and size the buffer with maxBufferBytes and maxBufferRecords; drops are reported to onDrop.",
  )
}

const describe = (value: unknown): string => {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
  if (typeof value === 'number') return String(value)
  return typeof value
}
