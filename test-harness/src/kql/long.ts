/**
 * Kusto's `long` is 64-bit; JavaScript numbers keep 53 bits, so a row holds a `bigint` for a long past 2^53 (see
 * `schema/convert.ts`). These helpers keep such values exact through comparisons and integer arithmetic: a value
 * takes the exact path when either operand is a bigint, and results come back as numbers while they fit. Pure.
 */

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)
const INTEGER_TEXT = /^\s*[+-]?\d+\s*$/

/** A bigint back to a number while that is exact (the form rows use), else kept. */
export const normalizeLong = (v: bigint): number | bigint => (v >= -MAX_SAFE && v <= MAX_SAFE ? Number(v) : v)

/** A result of 64-bit integer arithmetic: wrapped to 64 bits as Kusto's long overflows, then normalized. */
export const wrapLong = (v: bigint): number | bigint => normalizeLong(BigInt.asIntN(64, v))

/** The exact integer a value stands for (bigint, integral number, integer text), or null when it is none. */
export const exactInteger = (v: unknown): bigint | null => {
  if (typeof v === 'bigint') return v
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : null
  if (typeof v === 'string' && INTEGER_TEXT.test(v)) return BigInt(v.trim())
  return null
}

/** Whether a binary operation must take the exact path: one of its operands is a long past 2^53. */
export const involvesBigint = (a: unknown, b: unknown): boolean => typeof a === 'bigint' || typeof b === 'bigint'

/** Exact ordering of two integers, or undefined when either is not one (then the caller compares as reals). */
export const compareExact = (a: unknown, b: unknown): number | undefined => {
  const x = exactInteger(a)
  const y = exactInteger(b)
  if (x === null || y === null) return undefined
  return x < y ? -1 : x > y ? 1 : 0
}

/** `a op b` for `+ - * %` and integer `/` on two integers; undefined when either is not one. */
export const integerArithmetic = (op: string, a: unknown, b: unknown): number | bigint | null | undefined => {
  const x = exactInteger(a)
  const y = exactInteger(b)
  if (x === null || y === null) return undefined
  switch (op) {
    case '+':
      return wrapLong(x + y)
    case '-':
      return wrapLong(x - y)
    case '*':
      return wrapLong(x * y)
    case '/':
      return y === 0n ? null : wrapLong(x / y) // bigint division truncates toward zero, as Kusto's
    default: {
      if (y === 0n) return null
      const r = x % y
      return normalizeLong(r < 0n ? r + (y < 0n ? -y : y) : r) // Kusto's modulo is never negative
    }
  }
}
