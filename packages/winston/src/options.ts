/**
 * The transport's options: core's client options, winston's transport options and this adapter's own, with the
 * adapter's defaults in one place. Core's options and their environment variables are resolved by core.
 */
import type { ColumnMapSpec, LogColumns, LogsIngestionClientOptions } from '@dcr-logs/core'
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
  /** Also ship uncaught exceptions that winston handles (and flush them at once, before winston exits). */
  handleExceptions?: boolean | undefined
  /** Also ship unhandled promise rejections that winston handles (flushed at once as well). */
  handleRejections?: boolean | undefined
  /** Records the transport's stream buffers before `write()` returns false (objectMode). */
  highWaterMark?: number | undefined
}

/** Options of this adapter: how a winston record becomes columns. */
export interface WinstonMappingOptions {
  /**
   * `Body` from `info.message` (`'message'`), or from the text a finalizing format such as `json()` or `printf()`
   * produced (`'formatted'`, `info[Symbol.for('message')]`, falling back to `message`).
   * @defaultValue `DEFAULTS.bodyFrom`
   */
  bodyFrom?: BodySource | undefined
  /** `ServiceName` of every record; otherwise `resource['service.name']`, the record's `service.name`, then its `service`. */
  serviceName?: string | undefined
  /** `Resource` of every record: attributes of the process or service (`{ 'service.version': '1.2.0' }`). */
  resource?: Readonly<Record<string, unknown>> | undefined
  /** @defaultValue `DEFAULTS.scopeName` */
  scopeName?: string | undefined
  /** `ScopeVersion` of every record (left out when unset). */
  scopeVersion?: string | undefined
  /** `HostName` of every record. @defaultValue `os.hostname()` */
  hostName?: string | undefined
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
}

/** Everything `new AzureLogsTransport(options)` accepts. */
export type AzureLogsTransportOptions = LogsIngestionClientOptions & WinstonTransportOptions & WinstonMappingOptions

/** The adapter's defaults; core's defaults live in core (`DEFAULTS` in `@dcr-logs/core`). */
export const DEFAULTS = Object.freeze({
  bodyFrom: 'message' as BodySource,
  scopeName: 'winston',
})

/** winston's option names (handled by `winston-transport`). */
export const TRANSPORT_KEYS = [
  'level',
  'silent',
  'format',
  'handleExceptions',
  'handleRejections',
  'highWaterMark',
] as const
/** This adapter's option names. */
export const MAPPING_KEYS = [
  'bodyFrom',
  'serviceName',
  'resource',
  'scopeName',
  'scopeVersion',
  'hostName',
  'columns',
  'mapRecord',
] as const

/** The options split by owner, so core only sees (and validates) its own. */
export interface SplitOptions {
  core: LogsIngestionClientOptions
  /** Only defined values: `winston-transport` types its options without `undefined`. */
  transport: TransportStream.TransportStreamOptions & { highWaterMark?: number }
  mapping: WinstonMappingOptions
}

export const splitOptions = (options: AzureLogsTransportOptions): SplitOptions => {
  const core: Record<string, unknown> = { ...options }
  const transport: Record<string, unknown> = {}
  const mapping: Record<string, unknown> = {}
  for (const key of TRANSPORT_KEYS) {
    if (options[key] !== undefined) transport[key] = options[key]
    delete core[key]
  }
  for (const key of MAPPING_KEYS) {
    if (options[key] !== undefined) mapping[key] = options[key]
    delete core[key]
  }
  return {
    core: core as LogsIngestionClientOptions,
    transport: transport as SplitOptions['transport'],
    mapping: mapping as WinstonMappingOptions,
  }
}

const BODY_SOURCES: readonly BodySource[] = ['message', 'formatted']

/** Throws a clear `TypeError` for adapter options of the wrong shape (core validates its own). */
export const validateMappingOptions = (mapping: WinstonMappingOptions): void => {
  const fail = (name: string, expected: string, value: unknown): never => {
    throw new TypeError(`AzureLogsTransport: option "${name}" must be ${expected} (got ${describe(value)})`)
  }
  if (mapping.bodyFrom !== undefined && !BODY_SOURCES.includes(mapping.bodyFrom)) {
    fail('bodyFrom', `one of ${BODY_SOURCES.map((s) => `'${s}'`).join(', ')}`, mapping.bodyFrom)
  }
  for (const name of ['serviceName', 'scopeName', 'scopeVersion', 'hostName'] as const) {
    const value = mapping[name]
    if (value !== undefined && typeof value !== 'string') fail(name, 'a string', value)
  }
  for (const name of ['resource', 'columns'] as const) {
    const value = mapping[name]
    if (value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) {
      fail(name, 'a plain object', value)
    }
  }
  if (mapping.mapRecord !== undefined && typeof mapping.mapRecord !== 'function') {
    fail('mapRecord', 'a function (columns, info) => columns', mapping.mapRecord)
  }
}

const describe = (value: unknown): string => {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
  return typeof value
}
