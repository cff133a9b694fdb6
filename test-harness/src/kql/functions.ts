/**
 * The scalar functions of the KQL subset. Transformations may call the list Microsoft documents as supported in DCR
 * transformations (data-collection-transformations-kql); anything else is refused when the DCR loads, as the service
 * does. Queries may call those and a few more (`QUERY_ONLY_FUNCTIONS`).
 */

import { parseJsonLossless } from '../json-lossless.ts'
import type { FunctionTable, ScalarFunction } from './function-types.ts'
import { DATETIME_FUNCTIONS } from './functions-datetime.ts'
import { STRING_FUNCTIONS } from './functions-string.ts'
import { exactInteger, normalizeLong, wrapLong } from './long.ts'
import type { KqlType } from './types.ts'
import {
  isNullish,
  kqlCompare,
  Timespan,
  toKqlBool,
  toKqlDateTime,
  toKqlNumber,
  toKqlString,
  toKqlTimespan,
} from './values.ts'

export type { CallContext, ScalarFunction } from './function-types.ts'
export { stringOperator } from './functions-string.ts'

const INT_MIN = -2_147_483_648
const INT_MAX = 2_147_483_647
const LONG_LIMIT = 9.223372036854776e18

const num = toKqlNumber
const str = toKqlString
const dt = toKqlDateTime

const toIntegral = (v: unknown, min: number, max: number): number | null => {
  if (v instanceof Date) return null
  const n = num(v)
  if (n === null || !Number.isFinite(n)) return null
  const i = Math.trunc(n)
  return i < min || i > max ? null : i
}

/** `tolong()`: exact for longs past 2^53 (bigint, or integer text), else truncated; null outside 64 bits. */
const toLong = (v: unknown): number | bigint | null => {
  const exact = v instanceof Date || typeof v === 'boolean' ? null : exactInteger(v)
  if (exact !== null) return exact === BigInt.asIntN(64, exact) ? normalizeLong(exact) : null
  return toIntegral(v, -LONG_LIMIT, LONG_LIMIT)
}

const bigint = (v: unknown): bigint | null => {
  if (typeof v === 'bigint') return v
  const n = num(v)
  return n === null || !Number.isFinite(n) ? null : BigInt(Math.trunc(n))
}

const bits =
  (f: (x: bigint, y: bigint) => bigint): ScalarFunction['fn'] =>
  ([a, b]) => {
    const x = bigint(a)
    const y = bigint(b ?? 0)
    return x === null || y === null ? null : wrapLong(f(x, y))
  }

const math =
  (f: (x: number) => number): ScalarFunction['fn'] =>
  ([x]) => {
    const n = num(x)
    return n === null ? null : f(n)
  }

/** Result type: the type of argument `i` (`abs`, `bin`, `iif`…). */
const argType =
  (i: number) =>
  (args: (KqlType | undefined)[]): KqlType | undefined =>
    args[i]

const parseDynamicLiteral = (raw: string): unknown => {
  if (raw === '' || raw === 'null') return null
  try {
    return parseJsonLossless(raw)
  } catch {
    // KQL dynamic literals also allow single-quoted strings.
    return parseJsonLossless(
      raw.replace(/'((?:[^'\\]|\\.)*)'/g, (_, s: string) => JSON.stringify(s.replace(/\\'/g, "'"))),
    )
  }
}

const parseJson = ([v]: unknown[]): unknown => {
  if (typeof v !== 'string') return v ?? null
  try {
    return parseJsonLossless(v) // a long past 2^53 in the text stays exact
  } catch {
    return v
  }
}

/** `bin(value, size)` and its alias `floor`: rounds down to a multiple of size. */
const bin: ScalarFunction = {
  min: 2,
  max: 2,
  type: argType(0),
  fn: ([v, size]) => {
    if (v instanceof Date) {
      const s = toKqlTimespan(size)
      return s === null || s.ms <= 0 ? null : new Date(Math.floor(v.getTime() / s.ms) * s.ms)
    }
    if (v instanceof Timespan) {
      const s = toKqlTimespan(size)
      return s === null || s.ms <= 0 ? null : new Timespan(Math.floor(v.ms / s.ms) * s.ms)
    }
    const n = num(v)
    const s = num(size)
    return n === null || s === null || s <= 0 ? null : Math.floor(n / s) * s
  },
}

const extremum =
  (sign: 1 | -1): ScalarFunction['fn'] =>
  (args) =>
    args
      .filter((a) => !isNullish(a))
      .reduce<unknown>((m, a) => (m === null || sign * (kqlCompare(a, m) ?? 0) > 0 ? a : m), null)

const gettype = ([v]: unknown[]): string => {
  if (isNullish(v)) return 'null'
  if (typeof v === 'string') return 'string'
  if (typeof v === 'boolean') return 'bool'
  if (typeof v === 'number') return Number.isInteger(v) ? 'long' : 'real'
  if (typeof v === 'bigint') return 'long'
  if (v instanceof Date) return 'datetime'
  if (v instanceof Timespan) return 'timespan'
  return Array.isArray(v) ? 'array' : 'dictionary'
}

const CORE_FUNCTIONS: FunctionTable = {
  // Conversion
  tostring: { min: 1, max: 1, type: 'string', fn: ([v]) => str(v) },
  toint: { min: 1, max: 1, type: 'int', fn: ([v]) => toIntegral(v, INT_MIN, INT_MAX) },
  tolong: { min: 1, max: 1, type: 'long', fn: ([v]) => toLong(v) },
  toreal: { min: 1, max: 1, type: 'real', fn: ([v]) => (v instanceof Date ? null : num(v)) },
  todouble: { min: 1, max: 1, type: 'real', fn: ([v]) => (v instanceof Date ? null : num(v)) },
  tobool: { min: 1, max: 1, type: 'bool', fn: ([v]) => toKqlBool(v) },
  toboolean: { min: 1, max: 1, type: 'bool', fn: ([v]) => toKqlBool(v) },
  todatetime: { min: 1, max: 1, type: 'datetime', fn: ([v]) => dt(v) },
  totimespan: { min: 1, max: 1, type: 'timespan', fn: ([v]) => toKqlTimespan(v) },
  toguid: {
    min: 1,
    max: 1,
    type: 'guid',
    fn: ([v]) => {
      const s = str(v).trim()
      return /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(s) ? s.toLowerCase() : null
    },
  },
  // Dynamic
  parse_json: { min: 1, max: 1, type: 'dynamic', fn: parseJson },
  todynamic: { min: 1, max: 1, type: 'dynamic', fn: parseJson },
  array_length: { min: 1, max: 1, type: 'long', fn: ([v]) => (Array.isArray(v) ? v.length : null) },
  array_concat: {
    min: 1,
    max: 64,
    type: 'dynamic',
    fn: (args) => (args.every(Array.isArray) ? (args as unknown[][]).flat(1) : null),
  },
  pack_array: { min: 1, max: 64, type: 'dynamic', fn: (args) => args.map((a) => (a === undefined ? null : a)) },
  pack: {
    min: 2,
    max: 64,
    type: 'dynamic',
    fn: (args) => {
      const out: Record<string, unknown> = {}
      for (let i = 0; i + 1 < args.length; i += 2) out[str(args[i])] = args[i + 1] ?? null
      return out
    },
  },
  zip: {
    min: 2,
    max: 16,
    type: 'dynamic',
    fn: (args) => {
      if (!args.every(Array.isArray)) return null
      const arrays = args as unknown[][]
      const length = Math.max(...arrays.map((a) => a.length))
      return Array.from({ length }, (_, i) => arrays.map((a) => a[i] ?? null))
    },
  },
  // Math
  abs: { min: 1, max: 1, type: argType(0), fn: math(Math.abs) },
  bin,
  floor: bin,
  ceiling: { min: 1, max: 1, type: argType(0), fn: math(Math.ceil) },
  exp: { min: 1, max: 1, type: 'real', fn: math(Math.exp) },
  exp10: { min: 1, max: 1, type: 'real', fn: math((x) => 10 ** x) },
  exp2: { min: 1, max: 1, type: 'real', fn: math((x) => 2 ** x) },
  isfinite: { min: 1, max: 1, type: 'bool', fn: ([v]) => (num(v) === null ? null : Number.isFinite(num(v))) },
  isinf: {
    min: 1,
    max: 1,
    type: 'bool',
    fn: ([v]) => (num(v) === null ? null : Math.abs(num(v)!) === Number.POSITIVE_INFINITY),
  },
  isnan: { min: 1, max: 1, type: 'bool', fn: ([v]) => (num(v) === null ? null : Number.isNaN(num(v))) },
  log: { min: 1, max: 1, type: 'real', fn: math(Math.log) },
  log10: { min: 1, max: 1, type: 'real', fn: math(Math.log10) },
  log2: { min: 1, max: 1, type: 'real', fn: math(Math.log2) },
  pow: {
    min: 2,
    max: 2,
    type: 'real',
    fn: ([a, b]) => {
      const x = num(a)
      const y = num(b)
      return x === null || y === null ? null : x ** y
    },
  },
  round: {
    min: 1,
    max: 2,
    type: argType(0),
    fn: ([v, p]) => {
      const n = num(v)
      if (n === null) return null
      const f = 10 ** (num(p) ?? 0)
      return Math.round(n * f) / f
    },
  },
  sign: { min: 1, max: 1, type: argType(0), fn: math(Math.sign) },
  // Conditional
  iif: { min: 3, max: 3, type: argType(1), fn: ([c, a, b]) => (c === true ? a : b) },
  iff: { min: 3, max: 3, type: argType(1), fn: ([c, a, b]) => (c === true ? a : b) },
  case: {
    min: 3,
    max: 101,
    type: argType(1),
    fn: (args) => {
      for (let i = 0; i + 1 < args.length; i += 2) if (args[i] === true) return args[i + 1]
      return args[args.length - 1]
    },
  },
  max_of: { min: 2, max: 64, type: argType(0), fn: extremum(1) },
  min_of: { min: 2, max: 64, type: argType(0), fn: extremum(-1) },
  // Type
  gettype: { min: 1, max: 1, type: 'string', fn: gettype },
  isnull: { min: 1, max: 1, type: 'bool', fn: ([v]) => isNullish(v) },
  isnotnull: { min: 1, max: 1, type: 'bool', fn: ([v]) => !isNullish(v) },
  not: { min: 1, max: 1, type: 'bool', fn: ([v]) => (isNullish(v) ? null : v !== true) },
  // Bitwise
  binary_and: { min: 2, max: 2, type: 'long', fn: bits((x, y) => x & y) },
  binary_or: { min: 2, max: 2, type: 'long', fn: bits((x, y) => x | y) },
  binary_xor: { min: 2, max: 2, type: 'long', fn: bits((x, y) => x ^ y) },
  binary_not: { min: 1, max: 1, type: 'long', fn: bits((x) => ~x) },
  binary_shift_left: { min: 2, max: 2, type: 'long', fn: bits((x, y) => x << y) },
  binary_shift_right: { min: 2, max: 2, type: 'long', fn: bits((x, y) => x >> y) },
  // Typed literals produced by the tokenizer: datetime(…), timespan(…), dynamic(…), guid(…).
  __timespan: { min: 1, max: 1, type: 'timespan', fn: ([ms]) => new Timespan(ms as number) },
  __literal_datetime: { min: 1, max: 1, type: 'datetime', fn: ([raw]) => (str(raw) === 'null' ? null : dt(str(raw))) },
  __literal_timespan: { min: 1, max: 1, type: 'timespan', fn: ([raw]) => toKqlTimespan(str(raw)) },
  __literal_guid: { min: 1, max: 1, type: 'guid', fn: ([raw]) => str(raw).toLowerCase() },
  __literal_dynamic: { min: 1, max: 1, type: 'dynamic', fn: ([raw]) => parseDynamicLiteral(str(raw)) },
  // Typed null/value literals: int(null), long(5), real(1.5), bool(true), string("x").
  int: { min: 1, max: 1, type: 'int', fn: ([v]) => toIntegral(v, INT_MIN, INT_MAX) },
  long: { min: 1, max: 1, type: 'long', fn: ([v]) => toLong(v) },
  real: { min: 1, max: 1, type: 'real', fn: ([v]) => num(v) },
  double: { min: 1, max: 1, type: 'real', fn: ([v]) => num(v) },
  bool: { min: 1, max: 1, type: 'bool', fn: ([v]) => toKqlBool(v) },
  string: { min: 1, max: 1, type: 'string', fn: ([v]) => str(v) },
}

/** Functions transformations may call (the documented list). */
export const FUNCTIONS: FunctionTable = { ...CORE_FUNCTIONS, ...DATETIME_FUNCTIONS, ...STRING_FUNCTIONS }

/** Functions only queries may call: common in read-back queries, not in the transformation list. */
export const QUERY_ONLY_FUNCTIONS: FunctionTable = {
  coalesce: {
    min: 2,
    max: 64,
    type: argType(0),
    fn: (args) => args.find((a) => !isNullish(a) && a !== '') ?? (args.at(-1) === '' ? '' : null),
  },
  replace_string: {
    min: 3,
    max: 3,
    type: 'string',
    fn: ([text, lookup, rewrite]) => str(text).replaceAll(str(lookup), str(rewrite)),
  },
}

/** Functions the documentation lists as supported but the emulator does not implement: refused with a clear message. */
export const UNIMPLEMENTED_FUNCTIONS: ReadonlySet<string> = new Set(['parse_xml', 'geo_location'])
