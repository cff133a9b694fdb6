/**
 * The query API's `timespan`: an ISO 8601 duration (`PT1H`, `P1D`) ending now, or an interval (`start/end`,
 * `start/duration`, `duration/end`). Pure.
 */

const DURATION =
  /^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i

/** Moves `from` by an ISO 8601 duration, backwards with `sign` -1; undefined when the text is not a duration. */
const shift = (from: Date, duration: string, sign: 1 | -1): Date | undefined => {
  const m = DURATION.exec(duration)
  if (m === null || duration === 'P' || /T$/i.test(duration)) return undefined
  const [years, months, weeks, days, hours, minutes, seconds] = m.slice(1).map((v) => Number(v ?? 0)) as number[]
  const d = new Date(from.getTime())
  d.setUTCFullYear(d.getUTCFullYear() + sign * years!)
  d.setUTCMonth(d.getUTCMonth() + sign * months!)
  const ms = ((((weeks! * 7 + days!) * 24 + hours!) * 60 + minutes!) * 60 + seconds!) * 1000
  return new Date(d.getTime() + sign * ms)
}

const instant = (text: string): Date | undefined => {
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined
  const ms = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(text) || text.length === 10 ? text : `${text}Z`)
  return Number.isNaN(ms) ? undefined : new Date(ms)
}

/** Parses a `timespan` relative to `now`. Throws `RangeError` saying what is accepted. */
export const parseTimespan = (text: string, now: Date): { start: Date; end: Date } => {
  const fail = (): never => {
    throw new RangeError(
      `The timespan '${text}' is not an ISO 8601 duration (PT1H, P7D) or interval (2026-01-01T00:00:00Z/2026-01-02T00:00:00Z, 2026-01-01T00:00:00Z/PT1H, PT1H/2026-01-02T00:00:00Z).`,
    )
  }
  const parts = text.trim().split('/')
  if (parts.length === 1) {
    const start = shift(now, parts[0]!, -1) ?? fail()
    return { start, end: now }
  }
  if (parts.length !== 2) return fail()
  const [a, b] = parts as [string, string]
  const startAt = instant(a)
  const endAt = instant(b)
  if (startAt !== undefined && endAt !== undefined) return { start: startAt, end: endAt }
  if (startAt !== undefined) return { start: startAt, end: shift(startAt, b, 1) ?? fail() }
  if (endAt !== undefined) return { start: shift(endAt, a, -1) ?? fail(), end: endAt }
  return fail()
}
