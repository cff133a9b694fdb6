/**
 * Pure mapping of one parsed pino line to the default schema's columns (docs/architecture.md).
 * No I/O, no clock: the observed time is passed in.
 */
import { exceptionColumns, type LogColumns } from '@dcr-logs/core'
import type { SeverityTable } from './severity.ts'

/** Everything the mapping needs besides the line, decided once per transport. */
export interface LineMappingContext {
  /** pino's `messageKey` (default `msg`). */
  messageKey: string
  /** pino's `errorKey` (default `err`). */
  errorKey: string
  severity: SeverityTable
  /** Fixed `ServiceName`; when undefined the line's `name` is used. */
  serviceName: string | undefined
  /** Extra `Resource` entries, merged under the line's `process.pid` / `host.name` / `service.name`. */
  resource: Readonly<Record<string, unknown>> | undefined
  scopeName: string | undefined
  scopeVersion: string | undefined
}

/** Keys that become columns of their own when they hold the expected type, so they leave `Attributes`. */
const TRACE_ID = 'trace_id'
const SPAN_ID = 'span_id'
const TRACE_FLAGS = 'trace_flags'
const EVENT_NAME_KEYS = ['event.name', 'otel.event.name'] as const

/** Serialised-error fields that have columns; the rest of the error stays in `Attributes`. */
const EXCEPTION_FIELDS = new Set(['type', 'message', 'stack'])

/**
 * Maps a parsed pino line (a plain object) to columns.
 * @param line the parsed JSON object pino wrote.
 * @param ctx the logger's configuration, see {@link LineMappingContext}.
 * @param observedMs when the worker read the line, epoch milliseconds (`ObservedTimestamp`, and `TimeGenerated` when `time` is absent or unreadable).
 */
export function mapLine(
  line: Readonly<Record<string, unknown>>,
  ctx: LineMappingContext,
  observedMs: number,
): LogColumns {
  const observed = new Date(observedMs).toISOString()
  const time = toIsoTime(line['time'])
  const severity = ctx.severity.lookup(line['level'])
  const columns: LogColumns = { TimeGenerated: time ?? observed, ObservedTimestamp: observed }
  if (severity.text !== undefined) columns['SeverityText'] = severity.text
  if (severity.number !== undefined) columns['SeverityNumber'] = severity.number

  const message = line[ctx.messageKey]
  if (typeof message === 'string') columns['Body'] = message
  else if (message !== undefined && message !== null) columns['Body'] = JSON.stringify(message)

  const consumed = new Set<string>(['time', 'level', ctx.messageKey])
  // a `time` we cannot read is kept, so nothing the app wrote disappears
  if (time === undefined && line['time'] !== undefined) consumed.delete('time')

  const attributes: Record<string, unknown> = {}
  const error = line[ctx.errorKey]
  if (isPlainObject(error)) {
    consumed.add(ctx.errorKey)
    Object.assign(columns, exceptionColumns(error))
    const rest = omit(error, EXCEPTION_FIELDS)
    if (rest !== undefined) attributes[ctx.errorKey] = rest
  }

  const hostname = line['hostname']
  if (typeof hostname === 'string') {
    columns['HostName'] = hostname
    consumed.add('hostname')
  }
  const pid = line['pid']
  if (typeof pid === 'number') consumed.add('pid')
  const name = line['name']
  const serviceName = ctx.serviceName ?? (typeof name === 'string' ? name : undefined)
  if (ctx.serviceName === undefined && typeof name === 'string') consumed.add('name')
  if (serviceName !== undefined) columns['ServiceName'] = serviceName

  const resource: Record<string, unknown> = { ...ctx.resource }
  if (serviceName !== undefined) resource['service.name'] = serviceName
  if (typeof hostname === 'string') resource['host.name'] = hostname
  if (typeof pid === 'number') resource['process.pid'] = pid
  if (Object.keys(resource).length > 0) columns['Resource'] = resource

  const traceId = line[TRACE_ID]
  if (typeof traceId === 'string') {
    columns['TraceId'] = traceId
    consumed.add(TRACE_ID)
  }
  const spanId = line[SPAN_ID]
  if (typeof spanId === 'string') {
    columns['SpanId'] = spanId
    consumed.add(SPAN_ID)
  }
  const traceFlags = toTraceFlags(line[TRACE_FLAGS])
  if (traceFlags !== undefined) {
    columns['TraceFlags'] = traceFlags
    consumed.add(TRACE_FLAGS)
  }
  for (const key of EVENT_NAME_KEYS) {
    const eventName = line[key]
    if (typeof eventName === 'string') {
      columns['EventName'] ??= eventName
      consumed.add(key)
    }
  }
  if (ctx.scopeName !== undefined) columns['ScopeName'] = ctx.scopeName
  if (ctx.scopeVersion !== undefined) columns['ScopeVersion'] = ctx.scopeVersion

  for (const key of Object.keys(line)) {
    if (!consumed.has(key)) setOwn(attributes, key, line[key])
  }
  if (Object.keys(attributes).length > 0) columns['Attributes'] = attributes
  return columns
}

/**
 * `time` as pino writes it → ISO-8601 UTC, or undefined when it cannot be read.
 * Numbers (and numeric strings) are epoch milliseconds (pino's default); smaller values are seconds
 * (`stdTimeFunctions.unixTime`), larger ones microseconds or nanoseconds. Other strings are parsed as dates
 * (`stdTimeFunctions.isoTime`, `isoTimeNanos`).
 */
export function toIsoTime(value: unknown): string | undefined {
  let ms: number
  if (typeof value === 'number') ms = fromEpoch(value)
  else if (typeof value === 'string') ms = /^\d+(\.\d+)?$/.test(value) ? fromEpoch(Number(value)) : Date.parse(value)
  else return undefined
  if (!Number.isFinite(ms)) return undefined
  const date = new Date(ms)
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString()
}

function fromEpoch(n: number): number {
  if (!Number.isFinite(n) || n < 0) return Number.NaN
  if (n < 1e11) return n * 1000 // seconds: 1e11 ms is 1973, 1e11 s is year 5138
  if (n < 1e14) return n // milliseconds
  if (n < 1e17) return n / 1e3 // microseconds
  return n / 1e6 // nanoseconds
}

/** OpenTelemetry instrumentation writes `trace_flags` as a two-digit hex string (`'01'`). */
function toTraceFlags(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 255) return value
  if (typeof value === 'string' && /^[0-9a-fA-F]{1,2}$/.test(value)) return Number.parseInt(value, 16)
  return undefined
}

function omit(object: Record<string, unknown>, keys: ReadonlySet<string>): Record<string, unknown> | undefined {
  let out: Record<string, unknown> | undefined
  for (const key of Object.keys(object)) {
    if (keys.has(key)) continue
    out ??= {}
    setOwn(out, key, object[key])
  }
  return out
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Assigns an own property, also for the key `__proto__` (which JSON.parse produces as an own key). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
  else target[key] = value
}
