/** Arithmetic on KQL values: numbers, datetimes and timespans, with Kusto's integer rules where types say so. Pure. */
import { integerArithmetic, involvesBigint } from './long.ts'
import { isNullish, Timespan, toKqlDateTime, toKqlNumber, toKqlTimespan } from './values.ts'

/** Kusto's modulo is never negative: 0 ≤ n % d < |d| (`-14 % 12` is 10). */
const modulo = (x: number, y: number): number | null => {
  if (y === 0) return null
  const r = x % y
  return r < 0 ? r + Math.abs(y) : r
}

const dateArithmetic = (op: string, a: unknown, b: unknown): unknown => {
  if (a instanceof Date && b instanceof Date && op === '-') return new Timespan(a.getTime() - b.getTime())
  const d = a instanceof Date ? a : toKqlDateTime(a)
  const t = toKqlTimespan(a instanceof Date ? b : a)
  if (d === null || t === null) return null
  if (op === '+') return new Date(d.getTime() + t.ms)
  if (op === '-' && a instanceof Date) return new Date(d.getTime() - t.ms)
  return null
}

const timespanArithmetic = (op: string, a: unknown, b: unknown): unknown => {
  if (op === '*' || op === '/') {
    if (b instanceof Timespan && a instanceof Timespan && op === '/') return a.ms / b.ms
    const t = a instanceof Timespan ? a : (b as Timespan)
    const n = toKqlNumber(a instanceof Timespan ? b : a)
    return n === null ? null : new Timespan(op === '*' ? t.ms * n : t.ms / n)
  }
  const x = toKqlTimespan(a)
  const y = toKqlTimespan(b)
  if (x === null || y === null) return null
  if (op === '%') return y.ms === 0 ? null : new Timespan(modulo(x.ms, y.ms)!)
  return new Timespan(op === '+' ? x.ms + y.ms : x.ms - y.ms)
}

/** `a op b` for `+ - * / %`; null when an operand is null or the operation has no meaning for the values. */
export const arithmetic = (op: string, a: unknown, b: unknown): unknown => {
  if (isNullish(a) || isNullish(b)) return null
  if (a instanceof Date || b instanceof Date) return dateArithmetic(op, a, b)
  if (a instanceof Timespan || b instanceof Timespan) return timespanArithmetic(op, a, b)
  // A long past 2^53 stays exact with another integer (`/` here is real division: integers go to integerDivision).
  if (op !== '/' && involvesBigint(a, b)) {
    const exact = integerArithmetic(op, a, b)
    if (exact !== undefined) return exact
  }
  const x = toKqlNumber(a)
  const y = toKqlNumber(b)
  if (x === null || y === null) return null
  switch (op) {
    case '+':
      return x + y
    case '-':
      return x - y
    case '*':
      return x * y
    case '/':
      return x / y
    default:
      return modulo(x, y)
  }
}

/**
 * `a / b` between integers (int or long): truncated toward zero, as Kusto's long division (`9 / 2` is 4, `-9 / 2`
 * is -4); division by zero gives null.
 */
export const integerDivision = (a: unknown, b: unknown): number | bigint | null => {
  if (involvesBigint(a, b)) {
    const exact = integerArithmetic('/', a, b)
    if (exact !== undefined) return exact
  }
  const x = toKqlNumber(a)
  const y = toKqlNumber(b)
  if (x === null || y === null || y === 0) return null
  return Math.trunc(Math.trunc(x) / Math.trunc(y)) + 0 // + 0: no -0
}
