/**
 * One reading of "when" for every adapter: a record's time field (winston `timestamp`, pino `time`) or an
 * OpenTelemetry `HrTime` → ISO-8601 UTC text, the form `TimeGenerated` is sent in. Pure, apart from a one-entry
 * cache: the records of a burst share their millisecond (or second), and formatting a date is the dear part.
 */

// Epoch numbers by magnitude. 1e11 ms is 1973 and 1e11 s the year 5138: below it, seconds; then milliseconds up to
// 1e14 (year 5138 again), microseconds up to 1e17, nanoseconds beyond (pino's `isoTimeNanos` peers write those).
const SECONDS_BELOW = 1e11
const MILLIS_BELOW = 1e14
const MICROS_BELOW = 1e17
/** `Date` covers ±8.64e15 ms; stay inside four-digit years so the ISO text keeps its plain form. */
const MAX_EPOCH_MS = 253_402_300_799_999 // 9999-12-31T23:59:59.999Z

/** `YYYY-MM-DDTHH:mm:ss.sssZ`, as `Date#toISOString()` writes it: sent as it is, without a round trip. */
const CANONICAL = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/
const ISO_LIKE = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)\s*(Z|[+-]\d{2}:?\d{2})?)?$/i
// epoch text (fecha's `x` and `X`): ten or more digits, so YYYYMMDD is not read as seconds in 1970
const NUMERIC = /^\d{10,}(?:\.\d+)?$/
// 01/02/2024, 1.2.24: day-first or month-first cannot be told apart
const AMBIGUOUS_DATE = /^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b/
const YEAR = /\b(\d{4})\b/

// two entries: a record's own time and the time it was observed alternate, and each repeats within its burst
let msA = Number.NaN
let isoA = ''
let msB = Number.NaN
let isoB = ''

/** ISO text of epoch milliseconds (integer or not), or `undefined` outside years 1970–9999. */
export const epochMsToIso = (ms: number): string | undefined => {
  if (ms === msA) return isoA
  if (ms === msB) return isoB
  if (!(ms >= 0 && ms <= MAX_EPOCH_MS)) return undefined
  const iso = new Date(ms).toISOString()
  msB = msA
  isoB = isoA
  msA = ms
  isoA = iso
  return iso
}

/** Epoch milliseconds of an epoch number in seconds, milliseconds, microseconds or nanoseconds (by magnitude). */
export const epochToMs = (value: number): number | undefined => {
  if (!Number.isFinite(value) || value < 0) return undefined
  if (value < SECONDS_BELOW) return value * 1000
  if (value < MILLIS_BELOW) return value
  if (value < MICROS_BELOW) return value / 1e3
  return value / 1e6
}

const fromIsoLike = (match: RegExpExecArray): number => {
  const [, date, time, zone] = match
  if (time === undefined) return Date.parse(`${date}T00:00:00Z`)
  const offset =
    zone === undefined ? '' : zone.toUpperCase() === 'Z' ? 'Z' : zone.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')
  // without an offset, ECMAScript reads a date-time as local time, which is what fecha patterns print
  return new Date(`${date}T${time.replace(',', '.')}${offset}`).getTime()
}

// Date.parse is lenient ("hello 5" is May 2001), so only accept text that names a four-digit year it kept.
const fromText = (text: string): number => {
  if (AMBIGUOUS_DATE.test(text)) return Number.NaN
  const year = YEAR.exec(text)?.[1]
  if (year === undefined) return Number.NaN
  const date = new Date(Date.parse(text))
  const ok = String(date.getFullYear()) === year || String(date.getUTCFullYear()) === year
  return ok ? date.getTime() : Number.NaN
}

/**
 * The instant a record's time field names, as ISO-8601 UTC text, or `undefined` when it cannot be read without
 * guessing (the caller then uses the time it observed the record, and keeps the field as data).
 *
 * - `Date`; epoch numbers (and bigints, and text of ten or more digits) in s, ms, µs or ns by magnitude;
 * - ISO 8601 and the patterns `format.timestamp({ format })` prints (no offset → local time, as fecha prints it);
 *   canonical `toISOString()` text is returned as it is;
 * - other date text (RFC 7231, `Date#toString()`) when it names a four-digit year;
 * - refused: times without a date, day/month-ambiguous dates, negative epochs, years past 9999.
 */
export const toIsoTime = (value: unknown): string | undefined => {
  if (typeof value === 'string') {
    if (value.length === 24 && CANONICAL.test(value)) return value
    const text = value.trim()
    if (text === '') return undefined
    let ms: number
    if (NUMERIC.test(text)) ms = epochToMs(Number(text)) ?? Number.NaN
    else {
      const iso = ISO_LIKE.exec(text)
      ms = iso ? fromIsoLike(iso) : fromText(text)
    }
    return Number.isNaN(ms) ? undefined : epochMsToIso(ms)
  }
  if (typeof value === 'number') {
    const ms = epochToMs(value)
    return ms === undefined ? undefined : epochMsToIso(ms)
  }
  if (value instanceof Date) return epochMsToIso(value.getTime())
  if (typeof value === 'bigint') return toIsoTime(Number(value))
  return undefined
}

/** `[seconds, nanoseconds]` since the epoch, as OpenTelemetry's `HrTime`. */
export type HrTimeLike = readonly [number, number]

const NANOS_PER_SECOND = 1_000_000_000
let lastSeconds = Number.NaN
let lastPrefix = ''

/**
 * An OpenTelemetry `HrTime` as ISO-8601 UTC with microseconds (`2024-05-01T12:00:00.123456Z`), or `undefined`
 * when it is not a usable time. Microseconds survive where a `Date` would keep milliseconds only.
 */
export const hrTimeToIso = (time: HrTimeLike | undefined): string | undefined => {
  if (!Array.isArray(time) || time.length < 2) return undefined
  const [rawSeconds, rawNanos] = time
  if (!Number.isFinite(rawSeconds) || !Number.isFinite(rawNanos)) return undefined
  let seconds = rawSeconds
  let nanos = rawNanos
  // normalise what hand-made HrTimes hold: fractional seconds, nanoseconds outside [0, 1e9)
  if (!Number.isInteger(seconds) || !Number.isInteger(nanos) || nanos < 0 || nanos >= NANOS_PER_SECOND) {
    const whole = Math.floor(rawSeconds)
    const total = Math.round((rawSeconds - whole) * NANOS_PER_SECOND) + Math.trunc(rawNanos)
    seconds = whole + Math.floor(total / NANOS_PER_SECOND)
    nanos = total - Math.floor(total / NANOS_PER_SECOND) * NANOS_PER_SECOND
  }
  if (seconds <= 0 || seconds * 1000 > MAX_EPOCH_MS) return undefined
  if (seconds !== lastSeconds) {
    lastPrefix = new Date(seconds * 1000).toISOString().slice(0, 19) // YYYY-MM-DDTHH:mm:ss
    lastSeconds = seconds
  }
  const micros = Math.floor(nanos / 1000)
  return `${lastPrefix}.${micros < 100_000 ? String(micros).padStart(6, '0') : micros}Z`
}
