/**
 * A winston `info` → the default schema's columns (docs/architecture.md). Pure: the clock, the level table and
 * the static columns come in through `MapContext`. Never mutates `info`: without a transport format, winston hands
 * every transport the same object.
 */
import { exceptionColumns } from '@dcr-logs/core'
import { parseTimestamp } from './timestamp.ts'

const LEVEL = Symbol.for('level')
const MESSAGE = Symbol.for('message')
const SPLAT = Symbol.for('splat')

/** Where `Body` comes from: `info.message`, or the text a finalizing format (json, printf, …) produced. */
export type BodySource = 'message' | 'formatted'

/** What the mapping needs besides the record; built once per transport. */
export interface MapContext {
  /** SeverityNumber for a level name (see `levels.ts`). */
  severity: (levelName: string) => number
  bodyFrom: BodySource
  serviceName: string | undefined
  resource: Readonly<Record<string, unknown>> | undefined
  scopeName: string
  scopeVersion: string | undefined
  hostName: string | undefined
}

/** A winston info object as transports receive it (the shape of logform's `TransformableInfo`). */
export interface WinstonInfo {
  /** The level, possibly colourised by `format.colorize()`; `info[Symbol.for('level')]` is the plain name. */
  level: string
  message?: unknown
  /** Set by `format.timestamp()`, or by the caller. */
  timestamp?: unknown
  [key: string]: unknown
  [key: symbol]: unknown
}

/** The fields of an info this module reads by name; any other key is meta. */
interface Fields {
  [key: string]: unknown
  [key: symbol]: unknown
  level?: unknown
  message?: unknown
  timestamp?: unknown
  err?: unknown
  error?: unknown
  stack?: unknown
  cause?: unknown
  trace_id?: unknown
  span_id?: unknown
  trace_flags?: unknown
  service?: unknown
}

/** The default schema's columns, as `mapInfo` fills them. */
export type DefaultColumns = {
  TimeGenerated: Date
  ObservedTimestamp: Date
  SeverityText: string
  SeverityNumber: number
  Body: string
  Attributes?: Record<string, unknown>
  Resource?: Readonly<Record<string, unknown>>
  ServiceName?: string
  HostName?: string
  TraceId?: string
  SpanId?: string
  TraceFlags?: number
  ScopeName: string
  ScopeVersion?: string
  EventName?: string
  ExceptionType?: string
  ExceptionMessage?: string
  ExceptionStacktrace?: string
}

// ANSI SGR sequences, as format.colorize() adds them to `level` (and to `message` with `all: true`)
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the escape character is the point
const ANSI = /\u001b\[[0-9;]*m/g

const isError = (value: unknown): value is Error =>
  value instanceof Error || Object.prototype.toString.call(value) === '[object Error]'

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || isError(value)) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

// `__proto__` as a data key must not turn into a prototype change
const setField = (target: Record<string, unknown>, key: string, value: unknown): void => {
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
  else target[key] = value
}

/** JSON text of any value, with cycles and bigints handled; never throws. */
export const safeJson = (value: unknown): string => {
  const seen = new WeakSet<object>()
  try {
    const text: string | undefined = JSON.stringify(value, (_key, v: unknown) => {
      if (typeof v === 'bigint') return v.toString()
      if (v !== null && typeof v === 'object') {
        if (seen.has(v)) return '[Circular]'
        seen.add(v)
      }
      return v
    })
    return text ?? String(value)
  } catch {
    return Object.prototype.toString.call(value)
  }
}

const stringify = (value: unknown): string => {
  if (typeof value === 'string') return value
  if (value === undefined || value === null) return ''
  return typeof value === 'object' ? safeJson(value) : String(value)
}

const HEADER = /^([A-Za-z_$][\w$.]*)(?::\s?(.*))?$/

/** An Error rebuilt from a plain record that only kept `stack` (format.errors(), child loggers, `'msg', err`). */
const errorFromStack = (stack: string, message: unknown, cause: unknown): Error => {
  const header = HEADER.exec(stack.split('\n', 1)[0] ?? '')
  const text = typeof message === 'string' && message !== '' ? message : (header?.[2] ?? '')
  const error = new Error(text, cause === undefined ? undefined : { cause })
  error.name = header?.[1] ?? 'Error'
  error.stack = stack
  return error
}

interface FoundError {
  error: Error
  /** The info key the error was read from, which then leaves Attributes. */
  key?: 'err' | 'error'
}

/** Recommended order (frameworks.md §2.2): the info itself, its message, `err`/`error`, splat, then `stack`. */
const findError = (info: Fields, splat: readonly unknown[]): FoundError | undefined => {
  if (isError(info)) return { error: info }
  if (isError(info.message)) return { error: info.message }
  if (isError(info.err)) return { error: info.err, key: 'err' }
  if (isError(info.error)) return { error: info.error, key: 'error' }
  const fromSplat = splat.find(isError)
  if (fromSplat) return { error: fromSplat }
  if (typeof info.stack === 'string' && info.stack !== '') {
    return { error: errorFromStack(info.stack, info.message, info.cause) }
  }
  return undefined
}

const traceFlags = (value: unknown): number | undefined => {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 255) return value
  if (typeof value === 'string' && /^[0-9a-f]{1,2}$/i.test(value)) return Number.parseInt(value, 16)
  return undefined
}

const nonEmptyString = (value: unknown): value is string => typeof value === 'string' && value !== ''

const severityText = (info: Fields): string => {
  const level = info[LEVEL]
  if (typeof level === 'string') return level
  return typeof info.level === 'string' ? info.level.replace(ANSI, '') : ''
}

const bodyOf = (info: Fields, error: Error | undefined, from: BodySource): string => {
  if (from === 'formatted' && typeof info[MESSAGE] === 'string') return info[MESSAGE]
  const message = info.message
  if (isError(message)) return message.message
  if (message === undefined && error) return error.message
  return stringify(message)
}

/**
 * Maps one winston info to default-schema columns.
 *
 * @param info - the object winston passed to `log()`; read, never written.
 * @param now - the time of the log call: `ObservedTimestamp`, and `TimeGenerated` without a readable `timestamp`.
 */
export const mapInfo = (info: WinstonInfo, now: Date, context: MapContext): DefaultColumns => {
  const fields = info as Fields
  const splatValue = fields[SPLAT]
  const splat: readonly unknown[] = Array.isArray(splatValue) ? splatValue : []
  const consumed = new Set<string>(['level', 'message'])

  const time = fields.timestamp === undefined ? undefined : parseTimestamp(fields.timestamp)
  if (time) consumed.add('timestamp')

  const found = findError(fields, splat)
  if (found?.key) consumed.add(found.key)
  // the same error's stack and cause, copied to the top level by winston, are already in the Exception* columns
  if (found && fields.stack === found.error.stack) consumed.add('stack')
  if (found && fields.cause !== undefined && fields.cause === found.error.cause) consumed.add('cause')

  const level = severityText(fields)
  const columns: DefaultColumns = {
    TimeGenerated: time ?? now,
    ObservedTimestamp: now,
    SeverityText: level,
    SeverityNumber: context.severity(level),
    Body: bodyOf(fields, found?.error, context.bodyFrom),
    ScopeName: context.scopeName,
  }

  const traceId = fields.trace_id
  const spanId = fields.span_id
  const flags = traceFlags(fields.trace_flags)
  const eventKey = nonEmptyString(fields['event.name']) ? 'event.name' : 'otel.event.name'
  const eventName = fields[eventKey]
  const serviceKey = nonEmptyString(fields['service.name']) ? 'service.name' : undefined
  if (nonEmptyString(traceId)) consumed.add('trace_id')
  if (nonEmptyString(spanId)) consumed.add('span_id')
  if (flags !== undefined) consumed.add('trace_flags')
  if (nonEmptyString(eventName)) consumed.add(eventKey)
  if (serviceKey && context.serviceName === undefined && !nonEmptyString(context.resource?.['service.name'])) {
    consumed.add(serviceKey)
  }

  const attributes: Record<string, unknown> = {}
  for (const item of splat) {
    if (!isPlainObject(item)) continue
    for (const key of Object.keys(item)) if (!consumed.has(key)) setField(attributes, key, item[key])
  }
  for (const key of Object.keys(fields)) if (!consumed.has(key)) setField(attributes, key, fields[key])
  if (Object.keys(attributes).length > 0) columns.Attributes = attributes

  if (context.resource !== undefined) columns.Resource = context.resource
  const resourceService = context.resource?.['service.name']
  const serviceName =
    context.serviceName ??
    (nonEmptyString(resourceService) ? resourceService : undefined) ??
    (serviceKey ? (fields[serviceKey] as string) : undefined) ??
    (nonEmptyString(fields.service) ? fields.service : undefined)
  if (serviceName !== undefined) columns.ServiceName = serviceName
  if (context.hostName !== undefined) columns.HostName = context.hostName
  if (nonEmptyString(traceId)) columns.TraceId = traceId
  if (nonEmptyString(spanId)) columns.SpanId = spanId
  if (flags !== undefined) columns.TraceFlags = flags
  if (context.scopeVersion !== undefined) columns.ScopeVersion = context.scopeVersion
  if (nonEmptyString(eventName)) columns.EventName = eventName
  if (found) Object.assign(columns, exceptionColumns(found.error))
  return columns
}
