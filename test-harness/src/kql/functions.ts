/**
 * The scalar functions transformations may call: the list Microsoft documents as supported in DCR transformations
 * (data-collection-transformations-kql). Anything else is refused when the DCR loads, as the service does.
 */
import { createHash } from 'node:crypto'
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

/** What a function sees besides its arguments. */
export interface CallContext {
  /** The receive time of the request: `now()`. */
  now: Date
}

export interface ScalarFunction {
  min: number
  max: number
  fn: (args: unknown[], ctx: CallContext) => unknown
}

const DAY = 86_400_000
const INT_MIN = -2_147_483_648
const INT_MAX = 2_147_483_647

const num = (v: unknown): number | null => toKqlNumber(v)
const str = toKqlString

const dt = (v: unknown): Date | null => toKqlDateTime(v)

const bigint = (v: unknown): bigint | null => {
  const n = num(v)
  return n === null || !Number.isFinite(n) ? null : BigInt(Math.trunc(n))
}

const toIntegral = (v: unknown, min: number, max: number): number | null => {
  if (v instanceof Date) return null
  const n = num(v)
  if (n === null || !Number.isFinite(n)) return null
  const i = Math.trunc(n)
  return i < min || i > max ? null : i
}

const math =
  (f: (x: number) => number): ScalarFunction['fn'] =>
  ([x]) => {
    const n = num(x)
    return n === null ? null : f(n)
  }

const dtPart =
  (f: (d: Date) => number): ScalarFunction['fn'] =>
  ([x]) => {
    const d = dt(x)
    return d === null ? null : f(d)
  }

const startOf = (d: Date, unit: string): Date => {
  const y = d.getUTCFullYear()
  const m = d.getUTCMonth()
  switch (unit) {
    case 'day':
      return new Date(Date.UTC(y, m, d.getUTCDate()))
    case 'week':
      return new Date(Date.UTC(y, m, d.getUTCDate() - d.getUTCDay()))
    case 'month':
      return new Date(Date.UTC(y, m, 1))
    default:
      return new Date(Date.UTC(y, 0, 1))
  }
}

const addUnits = (d: Date, unit: string, amount: number): Date => {
  const r = new Date(d.getTime())
  switch (unit) {
    case 'year':
      r.setUTCFullYear(r.getUTCFullYear() + amount)
      return r
    case 'quarter':
      r.setUTCMonth(r.getUTCMonth() + 3 * amount)
      return r
    case 'month':
      r.setUTCMonth(r.getUTCMonth() + amount)
      return r
    case 'week':
      return new Date(d.getTime() + amount * 7 * DAY)
    case 'day':
      return new Date(d.getTime() + amount * DAY)
    case 'hour':
      return new Date(d.getTime() + amount * 3_600_000)
    case 'minute':
      return new Date(d.getTime() + amount * 60_000)
    case 'second':
      return new Date(d.getTime() + amount * 1000)
    case 'millisecond':
      return new Date(d.getTime() + amount)
    default:
      throw new Error(`unknown datetime part '${unit}'`)
  }
}

const startOfPeriod = (name: string): ScalarFunction => ({
  min: 1,
  max: 2,
  fn: ([x, offset]) => {
    const d = dt(x)
    if (d === null) return null
    const unit = name.replace(/^(start|end)of/, '')
    const shifted = isNullish(offset) ? d : addUnits(d, unit, num(offset) ?? 0)
    const start = startOf(shifted, unit)
    return name.startsWith('start') ? start : new Date(addUnits(start, unit, 1).getTime() - 0.0001)
  },
})

const weekOfYear = (d: Date): number => {
  // ISO 8601 week number.
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()))
  const day = t.getUTCDay() || 7
  t.setUTCDate(t.getUTCDate() + 4 - day)
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1)
  return Math.ceil(((t.getTime() - yearStart) / DAY + 1) / 7)
}

const datePart = (part: string, d: Date): number | null => {
  switch (part.toLowerCase()) {
    case 'year':
      return d.getUTCFullYear()
    case 'quarter':
      return Math.floor(d.getUTCMonth() / 3) + 1
    case 'month':
      return d.getUTCMonth() + 1
    case 'week_of_year':
    case 'weekofyear':
      return weekOfYear(d)
    case 'day':
      return d.getUTCDate()
    case 'dayofyear':
      return Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / DAY) + 1
    case 'hour':
      return d.getUTCHours()
    case 'minute':
      return d.getUTCMinutes()
    case 'second':
      return d.getUTCSeconds()
    case 'millisecond':
      return d.getUTCMilliseconds()
    default:
      return null
  }
}

const has = (haystack: string, term: string, caseSensitive: boolean): boolean => {
  if (term === '') return true
  const h = caseSensitive ? haystack : haystack.toLowerCase()
  const t = caseSensitive ? term : term.toLowerCase()
  let from = 0
  for (;;) {
    const i = h.indexOf(t, from)
    if (i < 0) return false
    const before = i === 0 ? '' : h[i - 1]!
    const after = h[i + t.length] ?? ''
    if (!/[\p{L}\p{N}]/u.test(before) && !/[\p{L}\p{N}]/u.test(after)) return true
    from = i + 1
  }
}

/** String operators shared by the evaluator (`contains`, `has`, `startswith`…, with `_cs` and `!` variants). */
export const stringOperator = (op: string, left: unknown, right: unknown): boolean => {
  const negate = op.startsWith('!')
  const base = negate ? op.slice(1) : op
  const cs = base.endsWith('_cs')
  const kind = cs ? base.slice(0, -3) : base
  let a = str(left)
  let b = str(right)
  if (!cs) {
    a = a.toLowerCase()
    b = b.toLowerCase()
  }
  let result: boolean
  switch (kind) {
    case 'contains':
      result = a.includes(b)
      break
    case 'has':
      result = has(a, b, true)
      break
    case 'startswith':
      result = a.startsWith(b)
      break
    case 'endswith':
      result = a.endsWith(b)
      break
    default:
      throw new Error(`unknown string operator ${op}`)
  }
  return negate ? !result : result
}

const regexCache = new Map<string, RegExp>()
/** Compiles (and caches) a KQL (RE2) regex as a JS RegExp. */
export const kqlRegex = (pattern: string, flags = ''): RegExp => {
  const key = `${flags}/${pattern}`
  let re = regexCache.get(key)
  if (re === undefined) {
    re = new RegExp(pattern, flags)
    if (regexCache.size > 1000) regexCache.clear()
    regexCache.set(key, re)
  }
  return re
}

const parseCef = (text: string): Record<string, string> => {
  // CEF extension: key=value pairs where values may contain spaces; a key is the last word before '='.
  const out: Record<string, string> = {}
  const re = /(?:^|\s)([A-Za-z0-9_.]+)=((?:\\=|[^=])*?)(?=\s+[A-Za-z0-9_.]+=|$)/g
  for (const m of text.matchAll(re)) out[m[1]!] = m[2]!.replace(/\\=/g, '=').trim()
  return out
}

export const FUNCTIONS: Record<string, ScalarFunction> = {
  // Conversion
  tostring: { min: 1, max: 1, fn: ([v]) => str(v) },
  toint: { min: 1, max: 1, fn: ([v]) => toIntegral(v, INT_MIN, INT_MAX) },
  tolong: { min: 1, max: 1, fn: ([v]) => toIntegral(v, -9.223372036854776e18, 9.223372036854776e18) },
  toreal: { min: 1, max: 1, fn: ([v]) => (v instanceof Date ? null : num(v)) },
  todouble: { min: 1, max: 1, fn: ([v]) => (v instanceof Date ? null : num(v)) },
  tobool: { min: 1, max: 1, fn: ([v]) => toKqlBool(v) },
  toboolean: { min: 1, max: 1, fn: ([v]) => toKqlBool(v) },
  todatetime: { min: 1, max: 1, fn: ([v]) => dt(v) },
  totimespan: { min: 1, max: 1, fn: ([v]) => toKqlTimespan(v) },
  toguid: {
    min: 1,
    max: 1,
    fn: ([v]) => {
      const s = str(v).trim()
      return /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(s) ? s.toLowerCase() : null
    },
  },
  // Datetime
  now: { min: 0, max: 1, fn: ([offset], ctx) => new Date(ctx.now.getTime() + (toKqlTimespan(offset)?.ms ?? 0)) },
  ago: {
    min: 1,
    max: 1,
    fn: ([ts], ctx) => {
      const t = toKqlTimespan(ts)
      return t === null ? null : new Date(ctx.now.getTime() - t.ms)
    },
  },
  datetime_add: {
    min: 3,
    max: 3,
    fn: ([part, amount, d]) => {
      const date = dt(d)
      const n = num(amount)
      return date === null || n === null ? null : addUnits(date, str(part).toLowerCase(), Math.trunc(n))
    },
  },
  datetime_diff: {
    min: 3,
    max: 3,
    fn: ([part, a, b]) => {
      const x = dt(a)
      const y = dt(b)
      if (x === null || y === null) return null
      const p = str(part).toLowerCase()
      if (p === 'year') return x.getUTCFullYear() - y.getUTCFullYear()
      if (p === 'quarter')
        return (
          Math.floor(x.getUTCMonth() / 3) -
          Math.floor(y.getUTCMonth() / 3) +
          4 * (x.getUTCFullYear() - y.getUTCFullYear())
        )
      if (p === 'month') return x.getUTCMonth() - y.getUTCMonth() + 12 * (x.getUTCFullYear() - y.getUTCFullYear())
      const units: Record<string, number> = {
        week: 7 * DAY,
        day: DAY,
        hour: 3_600_000,
        minute: 60_000,
        second: 1000,
        millisecond: 1,
      }
      const u = units[p]
      if (u === undefined) throw new Error(`unknown datetime part '${p}'`)
      return Math.floor(x.getTime() / u) - Math.floor(y.getTime() / u)
    },
  },
  datetime_part: {
    min: 2,
    max: 2,
    fn: ([part, d]) => {
      const date = dt(d)
      return date === null ? null : datePart(str(part), date)
    },
  },
  dayofmonth: { min: 1, max: 1, fn: dtPart((d) => d.getUTCDate()) },
  dayofweek: {
    min: 1,
    max: 1,
    fn: ([x]) => {
      const d = dt(x)
      return d === null ? null : new Timespan(d.getUTCDay() * DAY)
    },
  },
  dayofyear: { min: 1, max: 1, fn: dtPart((d) => datePart('dayofyear', d)!) },
  getmonth: { min: 1, max: 1, fn: dtPart((d) => d.getUTCMonth() + 1) },
  getyear: { min: 1, max: 1, fn: dtPart((d) => d.getUTCFullYear()) },
  hourofday: { min: 1, max: 1, fn: dtPart((d) => d.getUTCHours()) },
  weekofyear: { min: 1, max: 1, fn: dtPart(weekOfYear) },
  startofday: startOfPeriod('startofday'),
  startofweek: startOfPeriod('startofweek'),
  startofmonth: startOfPeriod('startofmonth'),
  startofyear: startOfPeriod('startofyear'),
  endofday: startOfPeriod('endofday'),
  endofweek: startOfPeriod('endofweek'),
  endofmonth: startOfPeriod('endofmonth'),
  endofyear: startOfPeriod('endofyear'),
  make_datetime: {
    min: 3,
    max: 7,
    fn: (args) => {
      const n = args.map((a) => num(a) ?? 0)
      const [y, mo, d, h = 0, mi = 0, s = 0] = n as [number, number, number, number?, number?, number?]
      const date = new Date(Date.UTC(y, mo - 1, d, h, mi, 0) + s * 1000)
      return Number.isNaN(date.getTime()) ? null : date
    },
  },
  make_timespan: {
    min: 2,
    max: 5,
    fn: (args) => {
      const n = args.map((a) => num(a) ?? 0)
      if (n.length === 2) return new Timespan(n[0]! * 3_600_000 + n[1]! * 60_000)
      if (n.length === 3) return new Timespan(n[0]! * 3_600_000 + n[1]! * 60_000 + n[2]! * 1000)
      return new Timespan(n[0]! * DAY + n[1]! * 3_600_000 + n[2]! * 60_000 + n[3]! * 1000 + (n[4] ?? 0) / 10_000)
    },
  },
  // Dynamic
  parse_json: {
    min: 1,
    max: 1,
    fn: ([v]) => {
      if (typeof v !== 'string') return v ?? null
      try {
        return JSON.parse(v)
      } catch {
        return v
      }
    },
  },
  todynamic: { min: 1, max: 1, fn: (args, ctx) => FUNCTIONS['parse_json']!.fn(args, ctx) },
  array_length: { min: 1, max: 1, fn: ([v]) => (Array.isArray(v) ? v.length : null) },
  array_concat: { min: 1, max: 64, fn: (args) => (args.every(Array.isArray) ? (args as unknown[][]).flat(1) : null) },
  pack_array: { min: 1, max: 64, fn: (args) => args.map((a) => (a === undefined ? null : a)) },
  pack: {
    min: 2,
    max: 64,
    fn: (args) => {
      const out: Record<string, unknown> = {}
      for (let i = 0; i + 1 < args.length; i += 2) out[str(args[i])] = args[i + 1] ?? null
      return out
    },
  },
  zip: {
    min: 2,
    max: 16,
    fn: (args) => {
      if (!args.every(Array.isArray)) return null
      const arrays = args as unknown[][]
      const length = Math.max(...arrays.map((a) => a.length))
      return Array.from({ length }, (_, i) => arrays.map((a) => a[i] ?? null))
    },
  },
  // Math
  abs: { min: 1, max: 1, fn: math(Math.abs) },
  bin: {
    min: 2,
    max: 2,
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
  },
  ceiling: { min: 1, max: 1, fn: math(Math.ceil) },
  exp: { min: 1, max: 1, fn: math(Math.exp) },
  exp10: { min: 1, max: 1, fn: math((x) => 10 ** x) },
  exp2: { min: 1, max: 1, fn: math((x) => 2 ** x) },
  isfinite: { min: 1, max: 1, fn: ([v]) => (num(v) === null ? null : Number.isFinite(num(v))) },
  isinf: { min: 1, max: 1, fn: ([v]) => (num(v) === null ? null : Math.abs(num(v)!) === Number.POSITIVE_INFINITY) },
  isnan: { min: 1, max: 1, fn: ([v]) => (num(v) === null ? null : Number.isNaN(num(v))) },
  log: { min: 1, max: 1, fn: math(Math.log) },
  log10: { min: 1, max: 1, fn: math(Math.log10) },
  log2: { min: 1, max: 1, fn: math(Math.log2) },
  pow: {
    min: 2,
    max: 2,
    fn: ([a, b]) => {
      const x = num(a)
      const y = num(b)
      return x === null || y === null ? null : x ** y
    },
  },
  round: {
    min: 1,
    max: 2,
    fn: ([v, p]) => {
      const n = num(v)
      if (n === null) return null
      const f = 10 ** (num(p) ?? 0)
      return Math.round(n * f) / f
    },
  },
  sign: { min: 1, max: 1, fn: math(Math.sign) },
  // Conditional
  iif: { min: 3, max: 3, fn: ([c, a, b]) => (c === true ? a : b) },
  iff: { min: 3, max: 3, fn: ([c, a, b]) => (c === true ? a : b) },
  case: {
    min: 3,
    max: 101,
    fn: (args) => {
      for (let i = 0; i + 1 < args.length; i += 2) if (args[i] === true) return args[i + 1]
      return args[args.length - 1]
    },
  },
  max_of: {
    min: 2,
    max: 64,
    fn: (args) =>
      args
        .filter((a) => !isNullish(a))
        .reduce<unknown>((m, a) => (m === null || (kqlCompare(a, m) ?? 0) > 0 ? a : m), null),
  },
  min_of: {
    min: 2,
    max: 64,
    fn: (args) =>
      args
        .filter((a) => !isNullish(a))
        .reduce<unknown>((m, a) => (m === null || (kqlCompare(a, m) ?? 0) < 0 ? a : m), null),
  },
  // String
  base64_encodestring: { min: 1, max: 1, fn: ([v]) => Buffer.from(str(v), 'utf8').toString('base64') },
  base64_encode_tostring: { min: 1, max: 1, fn: ([v]) => Buffer.from(str(v), 'utf8').toString('base64') },
  base64_decodestring: { min: 1, max: 1, fn: ([v]) => Buffer.from(str(v), 'base64').toString('utf8') },
  base64_decode_tostring: { min: 1, max: 1, fn: ([v]) => Buffer.from(str(v), 'base64').toString('utf8') },
  countof: {
    min: 2,
    max: 3,
    fn: ([text, search, kind]) => {
      const t = str(text)
      const s = str(search)
      if (s === '') return 0
      if (str(kind) === 'regex') return [...t.matchAll(kqlRegex(s, 'g'))].length
      let count = 0
      for (let i = t.indexOf(s); i >= 0; i = t.indexOf(s, i + 1)) count++
      return count
    },
  },
  extract: {
    min: 3,
    max: 4,
    fn: ([re, group, text]) => {
      const m = kqlRegex(str(re)).exec(str(text))
      const g = num(group) ?? 0
      return m === null ? '' : (m[g] ?? '')
    },
  },
  extract_all: {
    min: 2,
    max: 3,
    fn: (args) => {
      const [re, text] = args.length === 2 ? args : [args[0], args[2]]
      const matches = [...str(text).matchAll(kqlRegex(str(re), 'g'))]
      if (matches.length === 0) return null
      return matches.map((m) => (m.length > 2 ? m.slice(1) : (m[1] ?? m[0])))
    },
  },
  indexof: {
    min: 2,
    max: 5,
    fn: ([text, lookup, start, length, occurrence]) => {
      if (isNullish(text)) return null
      const t = str(text)
      const l = str(lookup)
      let from = num(start) ?? 0
      if (from < 0) from = Math.max(0, t.length + from)
      const end = isNullish(length) || num(length) === -1 ? t.length : from + (num(length) ?? 0)
      let n = num(occurrence) ?? 1
      let i = t.indexOf(l, from)
      while (i >= 0 && --n > 0) i = t.indexOf(l, i + 1)
      return i < 0 || i + l.length > end ? -1 : i
    },
  },
  isempty: { min: 1, max: 1, fn: ([v]) => isNullish(v) || v === '' },
  isnotempty: { min: 1, max: 1, fn: ([v]) => !(isNullish(v) || v === '') },
  split: {
    min: 2,
    max: 3,
    fn: ([text, delim, index]) => {
      const parts = str(text).split(str(delim))
      if (isNullish(index)) return parts
      const i = num(index)
      return i === null ? null : [parts[i] ?? null].filter((p) => p !== null)
    },
  },
  strcat: { min: 1, max: 64, fn: (args) => args.map(str).join('') },
  strcat_delim: { min: 2, max: 65, fn: ([d, ...args]) => args.map(str).join(str(d)) },
  strlen: { min: 1, max: 1, fn: ([v]) => [...str(v)].length },
  substring: {
    min: 2,
    max: 3,
    fn: ([v, start, length]) => {
      const s = str(v)
      const from = Math.max(0, num(start) ?? 0)
      return isNullish(length) ? s.slice(from) : s.slice(from, from + Math.max(0, num(length) ?? 0))
    },
  },
  tolower: { min: 1, max: 1, fn: ([v]) => str(v).toLowerCase() },
  toupper: { min: 1, max: 1, fn: ([v]) => str(v).toUpperCase() },
  hash_sha256: { min: 1, max: 1, fn: ([v]) => createHash('sha256').update(str(v), 'utf8').digest('hex') },
  // Type
  gettype: {
    min: 1,
    max: 1,
    fn: ([v]) => {
      if (isNullish(v)) return 'null'
      if (typeof v === 'string') return 'string'
      if (typeof v === 'boolean') return 'bool'
      if (typeof v === 'number') return Number.isInteger(v) ? 'long' : 'real'
      if (v instanceof Date) return 'datetime'
      if (v instanceof Timespan) return 'timespan'
      return Array.isArray(v) ? 'array' : 'dictionary'
    },
  },
  isnull: { min: 1, max: 1, fn: ([v]) => isNullish(v) },
  isnotnull: { min: 1, max: 1, fn: ([v]) => !isNullish(v) },
  not: { min: 1, max: 1, fn: ([v]) => (isNullish(v) ? null : v !== true) },
  // Bitwise
  binary_and: { min: 2, max: 2, fn: ([a, b]) => bits(a, b, (x, y) => x & y) },
  binary_or: { min: 2, max: 2, fn: ([a, b]) => bits(a, b, (x, y) => x | y) },
  binary_xor: { min: 2, max: 2, fn: ([a, b]) => bits(a, b, (x, y) => x ^ y) },
  binary_not: { min: 1, max: 1, fn: ([a]) => bits(a, 0, (x) => ~x) },
  binary_shift_left: { min: 2, max: 2, fn: ([a, b]) => bits(a, b, (x, y) => x << y) },
  binary_shift_right: { min: 2, max: 2, fn: ([a, b]) => bits(a, b, (x, y) => x >> y) },
  // Transformation-only
  parse_cef_dictionary: { min: 1, max: 1, fn: ([v]) => parseCef(str(v)) },
  // Typed literals produced by the tokenizer: datetime(…), timespan(…), dynamic(…), guid(…).
  __timespan: { min: 1, max: 1, fn: ([ms]) => new Timespan(ms as number) },
  __literal_datetime: { min: 1, max: 1, fn: ([raw]) => (str(raw) === 'null' ? null : dt(str(raw))) },
  __literal_timespan: { min: 1, max: 1, fn: ([raw]) => toKqlTimespan(str(raw)) },
  __literal_guid: { min: 1, max: 1, fn: ([raw]) => str(raw).toLowerCase() },
  __literal_dynamic: { min: 1, max: 1, fn: ([raw]) => parseDynamicLiteral(str(raw)) },
  // Typed null/value literals: int(null), long(5), real(1.5), bool(true), string("x").
  int: { min: 1, max: 1, fn: ([v]) => toIntegral(v, INT_MIN, INT_MAX) },
  long: { min: 1, max: 1, fn: ([v]) => toIntegral(v, -9.223372036854776e18, 9.223372036854776e18) },
  real: { min: 1, max: 1, fn: ([v]) => num(v) },
  double: { min: 1, max: 1, fn: ([v]) => num(v) },
  bool: { min: 1, max: 1, fn: ([v]) => toKqlBool(v) },
  string: { min: 1, max: 1, fn: ([v]) => str(v) },
}

/** Functions the documentation lists as supported but the emulator does not implement: refused with a clear message. */
export const UNIMPLEMENTED_FUNCTIONS = new Set(['parse_xml', 'geo_location'])

function bits(a: unknown, b: unknown, f: (x: bigint, y: bigint) => bigint): number | null {
  const x = bigint(a)
  const y = bigint(b)
  return x === null || y === null ? null : Number(BigInt.asIntN(64, f(x, y)))
}

const parseDynamicLiteral = (raw: string): unknown => {
  if (raw === '' || raw === 'null') return null
  try {
    return JSON.parse(raw)
  } catch {
    // KQL dynamic literals also allow single-quoted strings.
    return JSON.parse(raw.replace(/'((?:[^'\\]|\\.)*)'/g, (_, s: string) => JSON.stringify(s.replace(/\\'/g, "'"))))
  }
}
