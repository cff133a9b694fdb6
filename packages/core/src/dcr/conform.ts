/**
 * Checks one record against a stream declaration and converts its values to the declared types, the way to avoid
 * the Logs Ingestion API's silent losses: the service answers 204 and then drops undeclared fields and values it
 * cannot convert. Every field ends up kept, converted (with the value before and after), dropped (with why), or
 * listed as unknown. Pure and allocation-light: a record that already conforms is returned as is.
 */
import { closestName } from '../option-names.js'
import type { ColumnDefinition, StreamColumnType } from '../schema.js'
import type { LogColumns } from '../types.js'
import { isIsoDateTime, parseDateTimeText } from './datetime.js'

/** A value changed to fit its column. */
export interface ConvertedValue {
  readonly column: string
  readonly type: StreamColumnType
  readonly from: unknown
  readonly to: unknown
}

/** A value no conversion fits: the service would store the column empty. */
export interface DroppedValue {
  readonly column: string
  readonly type: StreamColumnType
  readonly value: unknown
  /** Why, in words that name the type, e.g. `not a number`. */
  readonly reason: string
}

/** A field the declaration does not have: the service would drop it without an error. */
export interface UnknownField {
  readonly field: string
  /** A declared column the field probably meant (a typo or a case slip). */
  readonly suggestion: string | undefined
}

export interface ConformResult {
  /** The record to send: declared columns only, values of the declared types. The input itself when it conformed. */
  readonly record: LogColumns
  readonly unknownFields: readonly UnknownField[]
  readonly converted: readonly ConvertedValue[]
  readonly dropped: readonly DroppedValue[]
}

export type Conformer = (record: LogColumns) => ConformResult

const INT32 = 2 ** 31
const INT64 = 2 ** 63
const NUMERIC = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/
const NONE: readonly never[] = Object.freeze([])

type Outcome = { ok: true; value: unknown } | { ok: false; reason: string }
const ok = (value: unknown): Outcome => ({ ok: true, value })
const fail = (reason: string): Outcome => ({ ok: false, reason })

/** Appends to a list created on first use, so a conforming record allocates none. */
const push = <T>(list: T[] | undefined, item: T): T[] => {
  if (list === undefined) return [item]
  list.push(item)
  return list
}

const jsonText = (value: unknown): string => {
  try {
    return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)) ?? String(value)
  } catch {
    return String(value)
  }
}

const numberFrom = (value: unknown): number | undefined => {
  if (typeof value === 'number') return value
  if (typeof value === 'boolean') return value ? 1 : 0
  if (typeof value === 'bigint') return Number(value)
  if (typeof value === 'string' && NUMERIC.test(value)) return Number(value)
  return undefined
}

const integer = (value: unknown, limit: number, type: 'int' | 'long'): Outcome => {
  if (typeof value === 'bigint') {
    if (value >= -BigInt(limit) && value < BigInt(limit)) return ok(type === 'int' ? Number(value) : value)
    return fail(`outside the ${type} range`)
  }
  const n = numberFrom(value)
  if (n === undefined) return fail(`not a number`)
  if (!Number.isFinite(n)) return fail(`not a finite number`)
  const i = Math.trunc(n)
  if (i < -limit || i >= limit)
    return fail(`outside the ${type} range${type === 'int' ? ' (declare the column long)' : ''}`)
  return ok(i)
}

/** Converts a value that does not have its column's type yet. */
const CONVERT: Record<StreamColumnType, (value: unknown) => Outcome> = {
  string: (v) =>
    ok(typeof v === 'object' && !(v instanceof Date) ? jsonText(v) : v instanceof Date ? v.toISOString() : String(v)),
  int: (v) => integer(v, INT32, 'int'),
  long: (v) => integer(v, INT64, 'long'),
  real: (v) => {
    const n = numberFrom(v)
    if (n === undefined) return fail('not a number')
    return Number.isFinite(n) ? ok(n) : fail('not a finite number (JSON has no NaN or Infinity)')
  },
  boolean: (v) => {
    if (v === 1 || v === 0) return ok(v === 1)
    if (typeof v === 'string') {
      const t = v.trim().toLowerCase()
      if (t === 'true' || t === '1') return ok(true)
      if (t === 'false' || t === '0') return ok(false)
    }
    return fail('not true or false')
  },
  datetime: (v) => {
    if (v instanceof Date) return Number.isNaN(v.getTime()) ? fail('an invalid Date') : ok(v.toISOString())
    // numbers are read as epoch milliseconds, as Date.now() and pino's `time` are
    const ms = typeof v === 'number' ? v : typeof v === 'string' ? parseDateTimeText(v) : undefined
    if (ms === undefined || !Number.isFinite(ms)) return fail('not a date-time (use ISO 8601 text)')
    const date = new Date(ms)
    return Number.isNaN(date.getTime()) ? fail('not a representable date-time') : ok(date.toISOString())
  },
  dynamic: (v) => ok(v),
}

/** Whether a value already has its column's type, so it is sent unchanged. */
const FITS: Record<StreamColumnType, (value: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  int: (v) => typeof v === 'number' && Number.isInteger(v) && v >= -INT32 && v < INT32,
  long: (v) =>
    (typeof v === 'number' && Number.isInteger(v) && v >= -INT64 && v < INT64) ||
    (typeof v === 'bigint' && v >= -(2n ** 63n) && v < 2n ** 63n),
  real: (v) => typeof v === 'number' && Number.isFinite(v),
  boolean: (v) => typeof v === 'boolean',
  // a valid Date is serialised as ISO text by the client
  datetime: (v) => (v instanceof Date && !Number.isNaN(v.getTime())) || (typeof v === 'string' && isIsoDateTime(v)),
  dynamic: () => true,
}

/**
 * Builds the per-record check for a declaration, once. `null` and `undefined` values are left as they are
 * (the service stores an empty column).
 *
 * @example
 * const conform = createConformer({ columns: [{ name: 'Status', type: 'int' }] })
 * conform({ Status: '200', status: 1 }) // record { Status: 200 }, converted Status, unknown 'status' (did you mean Status?)
 */
export const createConformer = (declaration: { readonly columns: readonly ColumnDefinition[] }): Conformer => {
  const types = new Map<string, StreamColumnType>(declaration.columns.map((c) => [c.name, c.type]))
  const names = [...types.keys()]
  const suggestions = new Map<string, string | undefined>()
  const suggest = (field: string): string | undefined => {
    if (!suggestions.has(field)) {
      // a case slip is certain; otherwise the closest name when it is a likely typo
      const sameLetters = names.find((n) => n.toLowerCase() === field.toLowerCase())
      if (suggestions.size > 1000) suggestions.clear()
      suggestions.set(field, sameLetters ?? closestName(field, names))
    }
    return suggestions.get(field)
  }

  return (record) => {
    let out: LogColumns | undefined
    let unknownFields: UnknownField[] | undefined
    let converted: ConvertedValue[] | undefined
    let dropped: DroppedValue[] | undefined
    const copy = (upTo: string): LogColumns => {
      // copy the fields before `upTo` that were kept unchanged
      const o: LogColumns = {}
      for (const k of Object.keys(record)) {
        if (k === upTo) break
        if (types.has(k) && record[k] !== undefined) o[k] = record[k]
      }
      return o
    }
    for (const key of Object.keys(record)) {
      const value = record[key]
      const type = types.get(key)
      if (type === undefined) {
        out ??= copy(key)
        unknownFields = push(unknownFields, { field: key, suggestion: suggest(key) })
        continue
      }
      if (value === undefined || typeof value === 'function' || typeof value === 'symbol') {
        // what JSON leaves out anyway
        out ??= copy(key)
        continue
      }
      if (value === null || FITS[type](value)) {
        if (out !== undefined) out[key] = value
        continue
      }
      out ??= copy(key)
      const outcome = CONVERT[type](value)
      if (outcome.ok) {
        out[key] = outcome.value
        converted = push(converted, { column: key, type, from: value, to: outcome.value })
      } else {
        dropped = push(dropped, { column: key, type, value, reason: outcome.reason })
      }
    }
    return {
      record: out ?? record,
      unknownFields: unknownFields ?? NONE,
      converted: converted ?? NONE,
      dropped: dropped ?? NONE,
    }
  }
}
