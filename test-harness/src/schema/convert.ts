/**
 * Enforces a stream declaration the way the service does: undeclared properties are dropped, values are converted to
 * the declared type, values that cannot convert become empty (and are reported), long strings are truncated.
 * Pure and allocation-light: this runs once per record.
 */
import { stringifyJson } from '../json-lossless.ts'
import { parseKustoDateTime } from './datetime.ts'
import type { Column, ColumnType } from './types.ts'

/** Returned by a converter when the value cannot be converted. */
export const INVALID: unique symbol = Symbol('invalid')

/** A value that did not convert, reported as a DCR error. */
export interface ConversionIssue {
  column: string
  type: ColumnType
  value: unknown
}

/** A stored row: column name → typed value. */
export type Row = Record<string, unknown>

/** Per-field limit: longer values are truncated (service limits: 64 KB per field). */
export const DEFAULT_MAX_FIELD_BYTES = 65_536

const INT_MIN = -2_147_483_648
const INT_MAX = 2_147_483_647
const LONG_MIN = -(2n ** 63n)
const LONG_MAX = 2n ** 63n - 1n
const NUMERIC = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/
const INTEGER = /^\s*[+-]?\d+\s*$/

/** Cuts a string to at most `maxBytes` UTF-8 bytes without splitting a character. */
export const truncateUtf8 = (s: string, maxBytes: number): string => {
  if (s.length * 3 <= maxBytes) return s
  if (Buffer.byteLength(s, 'utf8') <= maxBytes) return s
  let cut = Buffer.from(s, 'utf8').subarray(0, maxBytes).toString('utf8')
  // A split multi-byte sequence decodes to U+FFFD: drop it.
  if (cut.endsWith('\uFFFD') && !s.startsWith(cut)) cut = cut.slice(0, -1)
  return cut
}

const toNumber = (value: unknown): number | typeof INVALID => {
  if (typeof value === 'number') return Number.isFinite(value) ? value : INVALID
  if (typeof value === 'bigint') return Number(value)
  if (typeof value === 'boolean') return value ? 1 : 0
  if (typeof value === 'string' && NUMERIC.test(value)) return Number(value)
  return INVALID
}

/** A 64-bit integer: a number while it is exact (within ±2^53), a bigint past that. */
const toLong = (value: unknown): number | bigint | typeof INVALID => {
  let big: bigint | undefined
  if (typeof value === 'bigint') big = value
  else if (typeof value === 'string' && INTEGER.test(value)) big = BigInt(value.trim())
  if (big === undefined) {
    const n = toNumber(value)
    if (n === INVALID) return INVALID
    const i = Math.trunc(n)
    return Math.abs(i) > 9.223372036854776e18 ? INVALID : i
  }
  if (big < LONG_MIN || big > LONG_MAX) return INVALID
  const n = Number(big)
  return Number.isSafeInteger(n) ? n : big
}

/** Parses a datetime the way the service reads JSON strings: the formats Kusto documents, UTC unless an offset says otherwise. */
export const parseDateTime = (value: unknown): Date | typeof INVALID => {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? INVALID : value
  if (typeof value !== 'string') return INVALID
  return parseKustoDateTime(value) ?? INVALID
}

/** A dynamic value within `maxBytes` of JSON text; a longer one is cut to that many bytes of its JSON text (a string). */
export const truncateDynamic = (value: unknown, maxBytes: number): unknown => {
  if (typeof value === 'string') return truncateUtf8(value, maxBytes)
  if (typeof value !== 'object' || value === null || value instanceof Date) return value
  const text = stringifyJson(value)
  return text.length * 3 <= maxBytes || Buffer.byteLength(text, 'utf8') <= maxBytes
    ? value
    : truncateUtf8(text, maxBytes)
}

/** Converts one value to a column type; null/undefined give the column's empty value. */
export const convertValue = (type: ColumnType, value: unknown, maxFieldBytes = DEFAULT_MAX_FIELD_BYTES): unknown => {
  if (value === null || value === undefined) return type === 'string' ? '' : null
  switch (type) {
    case 'string': {
      const s = typeof value === 'string' ? value : typeof value === 'object' ? stringifyJson(value) : String(value)
      return truncateUtf8(s, maxFieldBytes)
    }
    case 'int': {
      const n = toNumber(value)
      if (n === INVALID) return INVALID
      const i = Math.trunc(n)
      return i < INT_MIN || i > INT_MAX ? INVALID : i
    }
    case 'long':
      return toLong(value)
    case 'real': {
      if (typeof value === 'string') {
        const t = value.trim()
        if (t === 'NaN') return Number.NaN
        if (t === 'Infinity' || t === '+Infinity') return Number.POSITIVE_INFINITY
        if (t === '-Infinity') return Number.NEGATIVE_INFINITY
      }
      return toNumber(value)
    }
    case 'boolean': {
      if (typeof value === 'boolean') return value
      if (value === 1 || value === 0) return value === 1
      if (typeof value === 'string') {
        const t = value.trim().toLowerCase()
        if (t === 'true' || t === '1') return true
        if (t === 'false' || t === '0') return false
      }
      return INVALID
    }
    case 'datetime':
      return parseDateTime(value)
    case 'dynamic':
      return truncateDynamic(value, maxFieldBytes)
  }
}

/** The empty value of a column type (what a missing or unconvertible value becomes). */
export const emptyValue = (type: ColumnType): unknown => (type === 'string' ? '' : null)

export interface RowConverter {
  /** Builds a row with exactly the declared columns, in order; unconvertible values are pushed to `issues`. */
  convert(record: Record<string, unknown>, issues: ConversionIssue[]): Row
  readonly columns: readonly Column[]
}

/** Prepares the per-record conversion for a list of columns, once per stream. */
export const createRowConverter = (
  columns: readonly Column[],
  maxFieldBytes = DEFAULT_MAX_FIELD_BYTES,
): RowConverter => {
  const names = columns.map((c) => c.name)
  const types = columns.map((c) => c.type)
  const n = columns.length
  return {
    columns,
    convert(record, issues) {
      const row: Row = {}
      for (let i = 0; i < n; i++) {
        const name = names[i]!
        const type = types[i]!
        const raw = record[name]
        // Fast paths for the common, already-right types.
        let value: unknown
        if (type === 'string' && typeof raw === 'string')
          value = raw.length * 3 > maxFieldBytes ? truncateUtf8(raw, maxFieldBytes) : raw
        else if (type === 'dynamic') value = raw === undefined ? null : truncateDynamic(raw, maxFieldBytes)
        else value = convertValue(type, raw, maxFieldBytes)
        if (value === INVALID) {
          issues.push({ column: name, type, value: raw })
          value = emptyValue(type)
        }
        row[name] = value
      }
      return row
    },
  }
}

/** A short, safe preview of a value for an error message. */
export const preview = (value: unknown): string => {
  let text: string
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : (stringifyJson(value) ?? String(value))
  } catch {
    text = String(value)
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text
}
