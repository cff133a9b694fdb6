/**
 * W3C trace context → the `TraceId`, `SpanId` and `TraceFlags` columns, for the fields OpenTelemetry's winston and
 * pino instrumentations add to records (`trace_id`, `span_id`, `trace_flags`) and for OpenTelemetry span contexts.
 * Pure. A value that is not a valid id stays where it was (the caller keeps it in `Attributes`), never half-used.
 */

/** The field names `@opentelemetry/instrumentation-winston` and `-pino` inject. */
export const TRACE_FIELDS = Object.freeze({
  traceId: 'trace_id',
  spanId: 'span_id',
  traceFlags: 'trace_flags',
} as const)

const HEX_BYTE = /^[0-9a-f]{1,2}$/i

// a char-code loop: on every record, a regular expression (and a second one for "all zero") costs several times more
const NOT_HEX = 0
const LOWER = 1
const UPPER = 2

/** `value` as a W3C id of `length` hex digits, lower-cased, or undefined when it is not one (or all zero). */
const hexId = (value: unknown, length: number): string | undefined => {
  if (typeof value !== 'string' || value.length !== length) return undefined
  let cases = 0
  let nonZero = false
  for (let i = 0; i < length; i++) {
    const c = value.charCodeAt(i)
    const kind = c >= 48 && c <= 57 ? LOWER : c >= 97 && c <= 102 ? LOWER : c >= 65 && c <= 70 ? UPPER : NOT_HEX
    if (kind === NOT_HEX) return undefined
    cases |= kind
    if (c !== 48) nonZero = true
  }
  if (!nonZero) return undefined
  return cases & UPPER ? value.toLowerCase() : value
}

/** True for a W3C trace id: 32 hex digits, not all zero (the invalid id). */
export const isValidTraceId = (value: unknown): value is string => hexId(value, 32) !== undefined

/** True for a W3C span (parent) id: 16 hex digits, not all zero. */
export const isValidSpanId = (value: unknown): value is string => hexId(value, 16) !== undefined

/** Trace flags as the integer 0–255: a number, or hex text as the instrumentations write it (`'01'`). */
export const parseTraceFlags = (value: unknown): number | undefined => {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 && value <= 255 ? value : undefined
  if (typeof value === 'string' && HEX_BYTE.test(value)) return Number.parseInt(value, 16)
  return undefined
}

/** The trace columns a record's fields fill; each is present only when its field holds a valid value. */
export interface TraceColumns {
  TraceId?: string
  SpanId?: string
  TraceFlags?: number
}

/**
 * Reads `trace_id`, `span_id` and `trace_flags` from a record. Ids are kept in lower case, the W3C form.
 * `TraceFlags` is read only beside a valid trace id: flags without a trace mean nothing.
 */
export const traceColumns = (fields: Readonly<Record<string, unknown>>): TraceColumns => {
  const out: TraceColumns = {}
  const raw = fields[TRACE_FIELDS.traceId]
  if (raw === undefined) return out
  const traceId = hexId(raw, 32)
  if (traceId !== undefined) {
    out.TraceId = traceId
    const flags = parseTraceFlags(fields[TRACE_FIELDS.traceFlags])
    if (flags !== undefined) out.TraceFlags = flags
  }
  const spanId = hexId(fields[TRACE_FIELDS.spanId], 16)
  if (spanId !== undefined) out.SpanId = spanId
  return out
}
