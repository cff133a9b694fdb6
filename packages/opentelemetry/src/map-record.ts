import type { LogColumns } from '@dcr-logs/core'
import type { HrTimeLike, ReadableLogRecordLike } from './otel-types.ts'

/**
 * Pure mapping from an OpenTelemetry `ReadableLogRecord` to the default schema's columns
 * (docs/architecture.md, "The default schema"). Fields are read by name: records are `LogRecordImpl` instances
 * whose data sits behind getters over private fields, so spreading or serialising one loses everything.
 */

/** Attributes promoted to their own columns and not repeated in `Attributes` (stack traces are large). */
const EXCEPTION_KEYS = {
  'exception.type': 'ExceptionType',
  'exception.message': 'ExceptionMessage',
  'exception.stacktrace': 'ExceptionStacktrace',
} as const

const NANOS_PER_SECOND = 1_000_000_000
/** `Date` covers ±8.64e15 ms; stay inside four-digit years so the ISO text keeps its plain form. */
const MAX_EPOCH_SECONDS = 253_402_300_799 // 9999-12-31T23:59:59Z
const INVALID_TRACE_ID = '00000000000000000000000000000000'
const INVALID_SPAN_ID = '0000000000000000'

/**
 * `HrTime` as ISO-8601 UTC with microseconds (`2024-05-01T12:00:00.123456Z`), or `undefined` when it is not a
 * usable time. Microseconds survive where a `Date` would keep milliseconds only.
 */
export function hrTimeToIso(time: HrTimeLike | undefined): string | undefined {
  if (!Array.isArray(time) || time.length < 2) return undefined
  const [rawSeconds, rawNanos] = time
  if (!Number.isFinite(rawSeconds) || !Number.isFinite(rawNanos)) return undefined
  // Normalise: fractional seconds and nanoseconds outside [0, 1e9) both occur in hand-made HrTimes.
  const wholeSeconds = Math.floor(rawSeconds)
  const totalNanos = Math.round((rawSeconds - wholeSeconds) * NANOS_PER_SECOND) + Math.trunc(rawNanos)
  const seconds = wholeSeconds + Math.floor(totalNanos / NANOS_PER_SECOND)
  const nanos = totalNanos - Math.floor(totalNanos / NANOS_PER_SECOND) * NANOS_PER_SECOND
  if (seconds <= 0 || seconds > MAX_EPOCH_SECONDS) return undefined
  const base = new Date(seconds * 1000).toISOString() // YYYY-MM-DDTHH:mm:ss.000Z
  const micros = String(Math.floor(nanos / 1000)).padStart(6, '0')
  return `${base.slice(0, 19)}.${micros}Z`
}

/** Bytes as base64, the usual text form of OpenTelemetry's `AnyValue` bytes. */
function bytesToBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
}

/**
 * JSON text of a structured body. Never throws: circular references become `"[Circular]"`, bigints become
 * strings and byte arrays base64, so one odd body cannot fail the batch it travels in.
 */
export function stringifyBody(body: unknown): string {
  const ancestors: unknown[] = []
  try {
    return (
      JSON.stringify(body, function replacer(this: unknown, key: string, value: unknown) {
        // `value` has already been through toJSON (Buffer → {type,data}); read the raw value for byte arrays.
        const raw = key === '' ? body : (this as Record<string, unknown>)[key]
        if (raw instanceof Uint8Array) return bytesToBase64(raw)
        if (typeof value === 'bigint') return value.toString()
        if (typeof value !== 'object' || value === null) return value
        while (ancestors.length > 0 && ancestors[ancestors.length - 1] !== this) ancestors.pop()
        if (ancestors.includes(value)) return '[Circular]'
        ancestors.push(value)
        if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack }
        return value
      }) ?? String(body)
    )
  } catch (error) {
    // A throwing toJSON or getter: keep what can be said about the body rather than losing the record.
    return `[unserializable body: ${error instanceof Error ? error.message : String(error)}]`
  }
}

/** `Body` column: strings as they are, bytes as base64, anything else as JSON text (the column is a string). */
export function bodyColumn(body: unknown): string | undefined {
  if (body === undefined || body === null) return undefined
  if (typeof body === 'string') return body
  if (body instanceof Uint8Array) return bytesToBase64(body)
  return stringifyBody(body)
}

function isNonEmpty(value: Readonly<Record<string, unknown>> | undefined): value is Readonly<Record<string, unknown>> {
  if (value === undefined || value === null || typeof value !== 'object') return false
  for (const _ in value) return true
  return false
}

function stringAttribute(attributes: Readonly<Record<string, unknown>> | undefined, key: string): string | undefined {
  const value = attributes?.[key]
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** Attributes without the promoted `exception.*` keys; the same object when there is nothing to remove. */
function attributesColumn(attributes: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  let copy: Record<string, unknown> | undefined
  for (const key of Object.keys(EXCEPTION_KEYS)) {
    if (typeof attributes[key] !== 'string') continue
    copy ??= { ...attributes }
    delete copy[key]
  }
  return copy ?? attributes
}

export interface MapLogRecordOptions {
  /** Clock for the last-resort `TimeGenerated`, epoch milliseconds. */
  now: () => number
}

/**
 * Maps one OpenTelemetry log record to default-schema columns. Absent values are left out (never `null`), so
 * rows stay small and KQL sees them as empty.
 */
export function mapLogRecord(record: ReadableLogRecordLike, options: MapLogRecordOptions): LogColumns {
  const columns: LogColumns = {}
  const observed = hrTimeToIso(record.hrTimeObserved)
  columns['TimeGenerated'] = hrTimeToIso(record.hrTime) ?? observed ?? new Date(options.now()).toISOString()
  if (observed !== undefined) columns['ObservedTimestamp'] = observed

  const { severityText, severityNumber } = record
  if (typeof severityText === 'string' && severityText !== '') columns['SeverityText'] = severityText
  // 0 is SeverityNumber.UNSPECIFIED
  if (typeof severityNumber === 'number' && severityNumber > 0) columns['SeverityNumber'] = severityNumber

  const body = bodyColumn(record.body)
  if (body !== undefined) columns['Body'] = body

  const attributes = record.attributes
  if (isNonEmpty(attributes)) {
    const kept = attributesColumn(attributes)
    if (isNonEmpty(kept)) columns['Attributes'] = kept
    for (const [key, column] of Object.entries(EXCEPTION_KEYS)) {
      const value = stringAttribute(attributes, key)
      if (value !== undefined) columns[column] = value
    }
  }

  const resource = record.resource?.attributes
  if (isNonEmpty(resource)) {
    columns['Resource'] = resource
    const serviceName = stringAttribute(resource, 'service.name')
    if (serviceName !== undefined) columns['ServiceName'] = serviceName
    const hostName = stringAttribute(resource, 'host.name')
    if (hostName !== undefined) columns['HostName'] = hostName
  }

  const span = record.spanContext
  if (span !== undefined && span.traceId !== INVALID_TRACE_ID && span.spanId !== INVALID_SPAN_ID) {
    columns['TraceId'] = span.traceId
    columns['SpanId'] = span.spanId
    columns['TraceFlags'] = span.traceFlags
  }

  const scope = record.instrumentationScope
  if (scope?.name) columns['ScopeName'] = scope.name
  if (scope?.version) columns['ScopeVersion'] = scope.version

  // `event.name` is how the Events API and older bridges carried it before `eventName` existed (sdk-logs 0.202).
  const eventName = record.eventName || stringAttribute(attributes, 'event.name')
  if (eventName) columns['EventName'] = eventName

  return columns
}
