/**
 * `info.timestamp` → a Date. Pure. winston's `format.timestamp()` writes whatever its `format` option says (ISO by
 * default, any fecha pattern, or a function's result), and users may set `timestamp` themselves (a Date, epoch
 * milliseconds or seconds), so this accepts the unambiguous forms and refuses the rest: the caller then uses the
 * time of the log call, which `format.timestamp()` also used, and keeps the text in `Attributes`.
 */

// Epoch values below this are seconds (1e11 ms is 1973; 1e11 s is the year 5138).
const SECONDS_CUTOFF = 1e11

const ISO_LIKE = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)\s*(Z|[+-]\d{2}:?\d{2})?)?$/i
// epoch text (fecha's `x` and `X`): ten or more digits, so YYYYMMDD is not read as seconds in 1970
const NUMERIC = /^\d{10,}(?:\.\d+)?$/
// 01/02/2024, 1.2.24: day-first or month-first cannot be told apart
const AMBIGUOUS_DATE = /^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b/
const YEAR = /\b(\d{4})\b/

const valid = (date: Date): Date | undefined => (Number.isNaN(date.getTime()) ? undefined : date)

const fromEpoch = (value: number): Date | undefined =>
  Number.isFinite(value) ? valid(new Date(Math.abs(value) < SECONDS_CUTOFF ? value * 1000 : value)) : undefined

const fromIso = (match: RegExpExecArray): Date | undefined => {
  const [, date, time, zone] = match
  if (time === undefined) return valid(new Date(`${date}T00:00:00Z`))
  const offset =
    zone === undefined ? '' : zone.toUpperCase() === 'Z' ? 'Z' : zone.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')
  // without an offset, ECMAScript reads a date-time as local time, which is what fecha patterns print
  return valid(new Date(`${date}T${time.replace(',', '.')}${offset}`))
}

// Date.parse is lenient ("hello 5" is May 2001), so only accept text that names a four-digit year it kept.
const fromText = (text: string): Date | undefined => {
  if (AMBIGUOUS_DATE.test(text)) return undefined
  const year = YEAR.exec(text)?.[1]
  if (year === undefined) return undefined
  const date = valid(new Date(Date.parse(text)))
  if (date === undefined) return undefined
  return String(date.getFullYear()) === year || String(date.getUTCFullYear()) === year ? date : undefined
}

/** The instant `value` names, or `undefined` when it cannot be read without guessing. */
export const parseTimestamp = (value: unknown): Date | undefined => {
  if (value instanceof Date) return valid(new Date(value.getTime()))
  if (typeof value === 'number') return fromEpoch(value)
  if (typeof value === 'bigint') return fromEpoch(Number(value))
  if (typeof value !== 'string') return undefined
  const text = value.trim()
  if (text === '') return undefined
  if (NUMERIC.test(text)) return fromEpoch(Number(text))
  const iso = ISO_LIKE.exec(text)
  if (iso) return fromIso(iso)
  return fromText(text)
}
