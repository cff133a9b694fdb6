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

const HEX32 = /^[0-9a-f]{32}$/i
const HEX16 = /^[0-9a-f]{16}$/i
const ALL_ZERO = /^0+$/
const HEX_BYTE = /^[0-9a-f]{1,2}$/i

/** True for a W3C trace id: 32 hex digits, not all zero (the invalid id). */
export const isValidTraceId = (value: unknown): value is string =>
  typeof value === 'string' && HEX32.test(value) && !ALL_ZERO.test(value)

/** True for a W3C span (parent) id: 16 hex digits, not all zero. */
export const isValidSpanId = (value: unknown): value is string =>
  typeof value === 'string' && HEX16.test(value) && !ALL_ZERO.test(value)

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
  const traceId = fields[TRACE_FIELDS.traceId]
  if (traceId === undefined) return out
  if (isValidTraceId(traceId)) {
    out.TraceId = traceId.toLowerCase()
    const flags = parseTraceFlags(fields[TRACE_FIELDS.traceFlags])
    if (flags !== undefined) out.TraceFlags = flags
  }
  const spanId = fields[TRACE_FIELDS.spanId]
  if (isValidSpanId(spanId)) out.SpanId = spanId.toLowerCase()
  return out
}
