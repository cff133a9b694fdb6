/**
 * A winston `info` → the default schema's columns (docs/architecture.md). Pure: the clock, the level table and
 * the static columns come in through `MapContext`. Never mutates `info`: without a transport format, winston hands
 * every transport the same object. One pass over the record's keys; times stay ISO text end to end.
 */
import { epochMsToIso, exceptionColumns, safeJsonStringify, toIsoTime, traceColumns } from '@dcr-logs/core'
import { findError } from './find-error.ts'

const LEVEL = Symbol.for('level')
const MESSAGE = Symbol.for('message')
const SPLAT = Symbol.for('splat')

/** Where `Body` comes from: `info.message`, or the text a finalizing format (json, printf, …) produced. */
export type BodySource = 'message' | 'formatted'

/** What the mapping needs besides the record; built once per transport. */
export interface MapContext {
  /** SeverityNumber for a level name, in the logger's level set. */
  severity: (levelName: string) => number
  bodyFrom: BodySource
  /** `serviceName` option, else the `resource` option's `service.name`. */
  serviceName: string | undefined
  /** `Resource` for a record of this service (the same object for the same service). */
  resource: (serviceName: string | undefined) => Readonly<Record<string, unknown>> | undefined
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

/** The default schema's columns, as `mapInfo` fills them. Times are ISO-8601 UTC text. */
export type DefaultColumns = {
  TimeGenerated: string
  ObservedTimestamp: string
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

type Fields = Record<string | symbol, unknown>

// ANSI SGR sequences, as format.colorize() adds them to `level` (and to `message` with `all: true`)
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the escape character is the point
const ANSI = /\u001b\[[0-9;]*m/g

/** Keys that may fill a column; whether one did is decided per record. Anything else is meta. */
const COLUMN_KEYS = new Set([
  'level',
  'message',
  'timestamp',
  'err',
  'error',
  'stack',
  'cause',
  'trace_id',
  'span_id',
  'trace_flags',
  'event.name',
  'otel.event.name',
  'service.name',
])

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Error) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

// `__proto__` as a data key must not turn into a prototype change
const setField = (target: Record<string, unknown>, key: string, value: unknown): void => {
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
  else target[key] = value
}

const nonEmptyString = (value: unknown): value is string => typeof value === 'string' && value !== ''

const severityText = (info: Fields): string => {
  const level = info[LEVEL]
  if (typeof level === 'string') return level
  return typeof info['level'] === 'string' ? info['level'].replace(ANSI, '') : ''
}

const bodyOf = (info: Fields, error: Error | undefined, from: BodySource): string => {
  if (from === 'formatted' && typeof info[MESSAGE] === 'string') return info[MESSAGE]
  const message = info['message']
  if (typeof message === 'string') return message
  if (message instanceof Error) return message.message
  if (message === undefined && error) return error.message
  return message === undefined || message === null ? '' : safeJsonStringify(message)
}

/** Which of the keys that may fill a column did, for one record. */
interface Filled {
  timestamp: boolean
  err: boolean
  error: boolean
  stack: boolean
  cause: boolean
  trace_id: boolean
  span_id: boolean
  trace_flags: boolean
  service: boolean
  event: string | undefined
}

const isFilled = (key: string, filled: Filled): boolean => {
  switch (key) {
    case 'level':
    case 'message':
      return true
    case 'timestamp':
      return filled.timestamp
    case 'err':
      return filled.err
    case 'error':
      return filled.error
    case 'stack':
      return filled.stack
    case 'cause':
      return filled.cause
    case 'trace_id':
      return filled.trace_id
    case 'span_id':
      return filled.span_id
    case 'trace_flags':
      return filled.trace_flags
    case 'service.name':
      return filled.service
    default:
      return key === filled.event
  }
}

/**
 * Maps one winston info to default-schema columns.
 *
 * @param info - the object winston passed to `log()`; read, never written.
 * @param nowMs - the time of the log call, epoch ms: `ObservedTimestamp`, and `TimeGenerated` without a readable
 *   `timestamp`.
 */
export const mapInfo = (info: WinstonInfo, nowMs: number, context: MapContext): DefaultColumns => {
  const fields = info as Fields
  const splatValue = fields[SPLAT]
  const splat: readonly unknown[] | undefined = Array.isArray(splatValue) ? splatValue : undefined
  const observed = epochMsToIso(nowMs) ?? new Date().toISOString()
  const time = fields['timestamp'] === undefined ? undefined : toIsoTime(fields['timestamp'])
  const found = findError(fields, splat)
  const level = severityText(fields)

  const columns: DefaultColumns = {
    TimeGenerated: time ?? observed,
    ObservedTimestamp: observed,
    SeverityText: level,
    SeverityNumber: context.severity(level),
    Body: bodyOf(fields, found?.error, context.bodyFrom),
    ScopeName: context.scopeName,
  }
  const trace = traceColumns(fields)
  const eventKey = nonEmptyString(fields['event.name']) ? 'event.name' : 'otel.event.name'
  const eventName = fields[eventKey]
  const recordService = nonEmptyString(fields['service.name']) ? fields['service.name'] : undefined
  const serviceName =
    context.serviceName ?? recordService ?? (nonEmptyString(fields['service']) ? fields['service'] : undefined)

  // what filled a column is not repeated in Attributes (flags, not a closure: this runs for every record)
  const filled: Filled = {
    timestamp: time !== undefined,
    err: found?.key === 'err',
    error: found?.key === 'error',
    // the same error's stack and cause, copied to the top level by winston, are in the Exception* columns
    stack: found !== undefined && fields['stack'] === found.error.stack,
    cause: found !== undefined && fields['cause'] !== undefined && fields['cause'] === found.error.cause,
    trace_id: trace.TraceId !== undefined,
    span_id: trace.SpanId !== undefined,
    trace_flags: trace.TraceFlags !== undefined,
    service: context.serviceName === undefined && recordService !== undefined,
    event: nonEmptyString(eventName) ? eventKey : undefined,
  }

  let attributes: Record<string, unknown> | undefined
  for (const key of Object.keys(fields)) {
    if (COLUMN_KEYS.has(key) && isFilled(key, filled)) continue
    attributes ??= {}
    setField(attributes, key, fields[key])
  }
  // winston merges a meta object into info and keeps it in SPLAT too: only keys info lacks are new
  if (splat !== undefined) {
    for (const item of splat) {
      if (!isPlainObject(item)) continue
      for (const key of Object.keys(item)) {
        if (Object.hasOwn(fields, key) || (attributes !== undefined && Object.hasOwn(attributes, key))) continue
        if (COLUMN_KEYS.has(key) && isFilled(key, filled)) continue
        attributes ??= {}
        setField(attributes, key, item[key])
      }
    }
  }
  if (attributes !== undefined) columns.Attributes = attributes

  const resource = context.resource(serviceName)
  if (resource !== undefined) columns.Resource = resource
  if (serviceName !== undefined) columns.ServiceName = serviceName
  if (context.hostName !== undefined) columns.HostName = context.hostName
  if (trace.TraceId !== undefined) columns.TraceId = trace.TraceId
  if (trace.SpanId !== undefined) columns.SpanId = trace.SpanId
  if (trace.TraceFlags !== undefined) columns.TraceFlags = trace.TraceFlags
  if (context.scopeVersion !== undefined) columns.ScopeVersion = context.scopeVersion
  if (nonEmptyString(eventName)) columns.EventName = eventName
  if (found) Object.assign(columns, exceptionColumns(found.error))
  return columns
}
