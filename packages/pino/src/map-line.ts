/**
 * Pure mapping of one parsed pino line to the default schema's columns (docs/architecture.md).
 * No I/O, no clock: the observed time is passed in. One pass over the line's keys; the resource object and ISO
 * times come from one-entry caches (a burst shares its process and its millisecond).
 */
import {
  epochMsToIso,
  exceptionColumns,
  type LogColumns,
  type ResourceLookup,
  safeJsonStringify,
  toIsoTime,
  traceColumns,
} from '@dcr-logs/core'
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
  /** `Resource` for the line's service, host and pid (the `resource` option plus the selected facts). */
  resource: ResourceLookup
  scopeName: string | undefined
  scopeVersion: string | undefined
}

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
  const observed = epochMsToIso(observedMs) ?? new Date().toISOString()
  const rawTime = line['time']
  const time = rawTime === undefined ? undefined : toIsoTime(rawTime)
  const severity = ctx.severity.lookup(line['level'])
  const columns: LogColumns = { TimeGenerated: time ?? observed, ObservedTimestamp: observed }
  if (severity.text !== undefined) columns['SeverityText'] = severity.text
  if (severity.number !== undefined) columns['SeverityNumber'] = severity.number

  const { messageKey, errorKey } = ctx
  const message = line[messageKey]
  if (typeof message === 'string') columns['Body'] = message
  else if (message !== undefined && message !== null) columns['Body'] = safeJsonStringify(message)

  const error = line[errorKey]
  const errorIsObject = isPlainObject(error)
  const hostname = typeof line['hostname'] === 'string' ? line['hostname'] : undefined
  const pid = typeof line['pid'] === 'number' ? line['pid'] : undefined
  const name = typeof line['name'] === 'string' ? line['name'] : undefined
  const serviceName = ctx.serviceName ?? name
  const trace = traceColumns(line)

  // a key that filled a column is not repeated in Attributes; a `time` we cannot read is kept
  const consumed = (key: string): boolean => {
    if (key === messageKey) return true
    if (key === errorKey) return errorIsObject
    switch (key) {
      case 'level':
        return true
      case 'time':
        return time !== undefined
      case 'hostname':
        return hostname !== undefined
      case 'pid':
        return pid !== undefined
      case 'name':
        return ctx.serviceName === undefined && name !== undefined
      case 'trace_id':
        return trace.TraceId !== undefined
      case 'span_id':
        return trace.SpanId !== undefined
      case 'trace_flags':
        return trace.TraceFlags !== undefined
      case 'event.name':
      case 'otel.event.name':
        return typeof line[key] === 'string'
      default:
        return false
    }
  }

  let attributes: Record<string, unknown> | undefined
  if (errorIsObject) {
    Object.assign(columns, exceptionColumns(error))
    const rest = omit(error, EXCEPTION_FIELDS)
    if (rest !== undefined) attributes = { [errorKey]: rest }
  }
  for (const key of Object.keys(line)) {
    if (consumed(key)) continue
    attributes ??= {}
    setOwn(attributes, key, line[key])
  }

  if (hostname !== undefined) columns['HostName'] = hostname
  if (serviceName !== undefined) columns['ServiceName'] = serviceName
  const resource = ctx.resource(serviceName, hostname, pid)
  if (resource !== undefined) columns['Resource'] = resource
  if (trace.TraceId !== undefined) columns['TraceId'] = trace.TraceId
  if (trace.SpanId !== undefined) columns['SpanId'] = trace.SpanId
  if (trace.TraceFlags !== undefined) columns['TraceFlags'] = trace.TraceFlags
  for (const key of EVENT_NAME_KEYS) {
    const eventName = line[key]
    if (typeof eventName === 'string') {
      columns['EventName'] = eventName
      break
    }
  }
  if (ctx.scopeName !== undefined) columns['ScopeName'] = ctx.scopeName
  if (ctx.scopeVersion !== undefined) columns['ScopeVersion'] = ctx.scopeVersion
  if (attributes !== undefined) columns['Attributes'] = attributes
  return columns
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
