/** KQL scalar values in JS: null, boolean, number, string, Date (datetime), Timespan, and JSON (dynamic). */
import { parseDateTime } from '../schema/convert.ts'
import { compareExact, involvesBigint } from './long.ts'
import { timespanUnitMs } from './tokenizer.ts'

/** A KQL timespan (milliseconds; sub-millisecond precision kept as a fraction). */
export class Timespan {
  constructor(readonly ms: number) {}

  /** Kusto's text form: `[-][d.]hh:mm:ss[.fffffff]`. */
  toString(): string {
    const sign = this.ms < 0 ? '-' : ''
    let rest = Math.abs(this.ms)
    const days = Math.floor(rest / 86_400_000)
    rest -= days * 86_400_000
    const h = Math.floor(rest / 3_600_000)
    rest -= h * 3_600_000
    const m = Math.floor(rest / 60_000)
    rest -= m * 60_000
    const s = Math.floor(rest / 1000)
    const ticks = Math.round((rest - s * 1000) * 10_000)
    const pad = (v: number, n = 2): string => String(v).padStart(n, '0')
    return `${sign}${days > 0 ? `${days}.` : ''}${pad(h)}:${pad(m)}:${pad(s)}${ticks > 0 ? `.${pad(ticks, 7)}` : ''}`
  }

  toJSON(): string {
    return this.toString()
  }
}

/** Kusto's text form of a datetime: seconds precision, 7 fraction digits when there is a fraction. */
export const formatDateTime = (d: Date): string => {
  const iso = d.toISOString()
  return iso.endsWith('.000Z') ? `${iso.slice(0, 19)}Z` : `${iso.slice(0, 23)}0000Z`
}

/** `tostring()`: null → '', dynamic → JSON, datetime → ISO 8601. */
export const toKqlString = (v: unknown): string => {
  if (v === null || v === undefined) return ''
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v)
  if (v instanceof Date) return formatDateTime(v)
  if (v instanceof Timespan) return v.toString()
  return JSON.stringify(v)
}

export const toKqlNumber = (v: unknown): number | null => {
  if (typeof v === 'number') return v
  if (typeof v === 'bigint') return Number(v)
  if (typeof v === 'boolean') return v ? 1 : 0
  if (typeof v === 'string') {
    const t = v.trim()
    if (t === '' || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^0x[0-9a-fA-F]+$|^[+-]?(NaN|Infinity)$/.test(t))
      return null
    return Number(t)
  }
  return null
}

export const toKqlDateTime = (v: unknown): Date | null => {
  if (v instanceof Date) return v
  const d = parseDateTime(v)
  return d instanceof Date ? d : null
}

export const toKqlTimespan = (v: unknown): Timespan | null => {
  if (v instanceof Timespan) return v
  if (typeof v === 'number') return new Timespan(v / 10_000) // a number of ticks
  if (typeof v !== 'string') return null
  const t = v.trim()
  const unit = /^(-?\d*\.?\d+)([a-z]+)$/.exec(t)
  if (unit !== null) {
    const ms = timespanUnitMs(unit[2]!)
    return ms === undefined ? null : new Timespan(Number(unit[1]) * ms)
  }
  const clock = /^(-)?(?:(\d+)\.)?(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?$/.exec(t)
  if (clock === null) return null
  const [, neg, d, h, m, s, f] = clock
  const ms =
    Number(d ?? 0) * 86_400_000 +
    Number(h) * 3_600_000 +
    Number(m) * 60_000 +
    Number(s ?? 0) * 1000 +
    Number(`0.${f ?? '0'}`) * 1000
  return new Timespan(neg === '-' ? -ms : ms)
}

export const toKqlBool = (v: unknown): boolean | null => {
  if (typeof v === 'boolean') return v
  if (typeof v === 'number') return v !== 0
  if (typeof v === 'string') {
    const t = v.trim().toLowerCase()
    if (t === 'true' || t === '1') return true
    if (t === 'false' || t === '0') return false
  }
  return null
}

/** Whether a value counts as true in `where`, `iif`, `and`/`or` (null is false). */
export const truthy = (v: unknown): boolean => v === true

export const isNullish = (v: unknown): v is null | undefined => v === null || v === undefined

/** Value equality across KQL types (datetime by instant, timespan by length, dynamic by JSON, longs exactly). */
export const kqlEquals = (a: unknown, b: unknown): boolean => {
  if (involvesBigint(a, b)) {
    const c = compareExact(a, b)
    if (c !== undefined) return c === 0
    const [x, y] = [toKqlNumber(a), toKqlNumber(b)]
    return x !== null && x === y
  }
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime()
  if (a instanceof Timespan && b instanceof Timespan) return a.ms === b.ms
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null)
    return JSON.stringify(a) === JSON.stringify(b)
  if (typeof a === 'number' && typeof b === 'string') return a === toKqlNumber(b)
  if (typeof a === 'string' && typeof b === 'number') return toKqlNumber(a) === b
  return a === b
}

/** Ordering for `<`, `>`, `between`: numbers, strings, datetimes and timespans; undefined when incomparable. */
export const kqlCompare = (a: unknown, b: unknown): number | undefined => {
  if (isNullish(a) || isNullish(b)) return undefined
  if (a instanceof Date || b instanceof Date) {
    const x = toKqlDateTime(a)
    const y = toKqlDateTime(b)
    return x === null || y === null ? undefined : x.getTime() - y.getTime()
  }
  if (a instanceof Timespan || b instanceof Timespan) {
    const x = toKqlTimespan(a)
    const y = toKqlTimespan(b)
    return x === null || y === null ? undefined : x.ms - y.ms
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0
  if (involvesBigint(a, b)) {
    const c = compareExact(a, b)
    if (c !== undefined) return c
  }
  const x = toKqlNumber(a)
  const y = toKqlNumber(b)
  return x === null || y === null ? undefined : x - y
}

/** A value as stored in a row: timespans become their text form, everything else is kept. */
export const toStorable = (v: unknown): unknown => (v instanceof Timespan ? v.toString() : v === undefined ? null : v)
