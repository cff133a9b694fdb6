/** Datetime and timespan functions of the KQL subset. Datetimes are UTC `Date`s; timespans are `Timespan`s. */
import type { FunctionTable, ScalarFunction } from './function-types.ts'
import { isNullish, Timespan, toKqlDateTime, toKqlNumber, toKqlString, toKqlTimespan } from './values.ts'

const DAY = 86_400_000
const dt = toKqlDateTime
const num = toKqlNumber

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
  type: 'datetime',
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

const DIFF_UNITS: Record<string, number> = {
  week: 7 * DAY,
  day: DAY,
  hour: 3_600_000,
  minute: 60_000,
  second: 1000,
  millisecond: 1,
}

const datetimeDiff = (part: string, x: Date, y: Date): number => {
  const p = part.toLowerCase()
  if (p === 'year') return x.getUTCFullYear() - y.getUTCFullYear()
  if (p === 'quarter') {
    return (
      Math.floor(x.getUTCMonth() / 3) - Math.floor(y.getUTCMonth() / 3) + 4 * (x.getUTCFullYear() - y.getUTCFullYear())
    )
  }
  if (p === 'month') return x.getUTCMonth() - y.getUTCMonth() + 12 * (x.getUTCFullYear() - y.getUTCFullYear())
  const u = DIFF_UNITS[p]
  if (u === undefined) throw new Error(`unknown datetime part '${p}'`)
  return Math.floor(x.getTime() / u) - Math.floor(y.getTime() / u)
}

export const DATETIME_FUNCTIONS: FunctionTable = {
  now: {
    min: 0,
    max: 1,
    type: 'datetime',
    fn: ([offset], ctx) => new Date(ctx.now.getTime() + (toKqlTimespan(offset)?.ms ?? 0)),
  },
  ago: {
    min: 1,
    max: 1,
    type: 'datetime',
    fn: ([ts], ctx) => {
      const t = toKqlTimespan(ts)
      return t === null ? null : new Date(ctx.now.getTime() - t.ms)
    },
  },
  datetime_add: {
    min: 3,
    max: 3,
    type: 'datetime',
    fn: ([part, amount, d]) => {
      const date = dt(d)
      const n = num(amount)
      return date === null || n === null ? null : addUnits(date, toKqlString(part).toLowerCase(), Math.trunc(n))
    },
  },
  datetime_diff: {
    min: 3,
    max: 3,
    type: 'long',
    fn: ([part, a, b]) => {
      const x = dt(a)
      const y = dt(b)
      return x === null || y === null ? null : datetimeDiff(toKqlString(part), x, y)
    },
  },
  datetime_part: {
    min: 2,
    max: 2,
    type: 'int',
    fn: ([part, d]) => {
      const date = dt(d)
      return date === null ? null : datePart(toKqlString(part), date)
    },
  },
  dayofmonth: { min: 1, max: 1, type: 'int', fn: dtPart((d) => d.getUTCDate()) },
  dayofweek: {
    min: 1,
    max: 1,
    type: 'timespan',
    fn: ([x]) => {
      const d = dt(x)
      return d === null ? null : new Timespan(d.getUTCDay() * DAY)
    },
  },
  dayofyear: { min: 1, max: 1, type: 'int', fn: dtPart((d) => datePart('dayofyear', d)!) },
  getmonth: { min: 1, max: 1, type: 'int', fn: dtPart((d) => d.getUTCMonth() + 1) },
  getyear: { min: 1, max: 1, type: 'int', fn: dtPart((d) => d.getUTCFullYear()) },
  hourofday: { min: 1, max: 1, type: 'int', fn: dtPart((d) => d.getUTCHours()) },
  weekofyear: { min: 1, max: 1, type: 'int', fn: dtPart(weekOfYear) },
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
    type: 'datetime',
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
    type: 'timespan',
    fn: (args) => {
      const n = args.map((a) => num(a) ?? 0)
      if (n.length === 2) return new Timespan(n[0]! * 3_600_000 + n[1]! * 60_000)
      if (n.length === 3) return new Timespan(n[0]! * 3_600_000 + n[1]! * 60_000 + n[2]! * 1000)
      return new Timespan(n[0]! * DAY + n[1]! * 3_600_000 + n[2]! * 60_000 + n[3]! * 1000 + (n[4] ?? 0) / 10_000)
    },
  },
}
