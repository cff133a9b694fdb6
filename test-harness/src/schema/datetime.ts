/**
 * Reads datetime text in the formats Kusto documents for `datetime()` and `todatetime()` (scalar-data-types/datetime):
 * ISO 8601, RFC 822, RFC 850 and "sortable", always UTC unless an ISO offset says otherwise. Anything else is not a
 * datetime: no `Date.parse` guesses (`"1"` is not 2001-01-01, `"12/31/2025"` is not read in local time). Pure.
 */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
const SHORT_DAYS = '(?:sun|mon|tue|wed|thu|fri|sat)'
const LONG_DAYS = '(?:sunday|monday|tuesday|wednesday|thursday|friday|saturday)'
const MONTH = '(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)'
const CLOCK = '(\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,7}))?)?'
const ZONE_NAME = ' (?:GMT|UTC|UT|Z)'
const GMT = `(?:${ZONE_NAME})?`

/** ISO 8601 (`2014-05-25T08:20:03.1234567Z`, `2014-11-08 15:55`, `2014-11-08`) and sortable (`2014-1-8 15:05 GMT`). */
const ISO = new RegExp(`^(\\d{4})-(\\d{1,2})-(\\d{1,2})(?:[T ]${CLOCK}(Z|[+-]\\d{2}:?\\d{2}|${ZONE_NAME})?)?$`, 'i')
/** RFC 822 (`Sat, 8 Nov 14 15:05:02 GMT`), also with a four-digit year as RFC 1123 (`toUTCString()`) writes it. */
const RFC822 = new RegExp(`^(?:${SHORT_DAYS}, )?(\\d{1,2}) ${MONTH} (\\d{2}|\\d{4}) ${CLOCK}${GMT}$`, 'i')
/** RFC 850 (`Saturday, 08-Nov-14 15:05:02 GMT`). */
const RFC850 = new RegExp(`^(?:${LONG_DAYS}, )?(\\d{1,2})-${MONTH}-(\\d{2}|\\d{4}) ${CLOCK}${GMT}$`, 'i')

/** Two-digit years as .NET reads them: 00–49 → 2000s, 50–99 → 1900s. */
const fullYear = (y: string): number =>
  y.length === 4 ? Number(y) : Number(y) < 50 ? 2000 + Number(y) : 1900 + Number(y)

interface Parts {
  year: number
  month: number
  day: number
  hour?: string | undefined
  minute?: string | undefined
  second?: string | undefined
  fraction?: string | undefined
  offsetMinutes?: number
}

/** Builds the instant, or undefined when a field is out of range (February 30, 24:00, …). */
const instant = (p: Parts): Date | undefined => {
  const hour = Number(p.hour ?? 0)
  const minute = Number(p.minute ?? 0)
  const second = Number(p.second ?? 0)
  if (p.month < 1 || p.month > 12 || p.day < 1 || hour > 23 || minute > 59 || second > 59 || p.year < 1)
    return undefined
  const ms = p.fraction === undefined ? 0 : Math.floor(Number(`0.${p.fraction}`) * 1000)
  const d = new Date(0)
  d.setUTCFullYear(p.year, p.month - 1, p.day) // not Date.UTC: it maps years below 100 to the 1900s
  if (d.getUTCDate() !== p.day) return undefined
  d.setUTCHours(hour, minute, second, ms)
  if (p.offsetMinutes !== undefined) d.setTime(d.getTime() - p.offsetMinutes * 60_000)
  return d
}

const isoOffsetMinutes = (zone: string | undefined): number | undefined => {
  if (zone === undefined || !/^[+-]/.test(zone)) return undefined
  const digits = zone.replace(':', '')
  const minutes = Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5))
  return zone.startsWith('-') ? -minutes : minutes
}

/** The instant a Kusto datetime text stands for, or undefined when it is not one of the documented formats. */
export const parseKustoDateTime = (text: string): Date | undefined => {
  const t = text.trim()
  let m = ISO.exec(t)
  if (m !== null) {
    const [, y, mo, d, h, mi, s, f, zone] = m
    // Month and day may have one digit only in the sortable format, which always has a time.
    if (h === undefined && (mo!.length !== 2 || d!.length !== 2)) return undefined
    return instant({
      year: Number(y),
      month: Number(mo),
      day: Number(d),
      hour: h,
      minute: mi,
      second: s,
      fraction: f,
      ...(isoOffsetMinutes(zone) !== undefined && { offsetMinutes: isoOffsetMinutes(zone)! }),
    })
  }
  m = RFC822.exec(t) ?? RFC850.exec(t)
  if (m !== null) {
    const [, d, mon, y, h, mi, s, f] = m
    return instant({
      year: fullYear(y!),
      month: MONTHS.indexOf(mon!.toLowerCase()) + 1,
      day: Number(d),
      hour: h,
      minute: mi,
      second: s,
      fraction: f,
    })
  }
  return undefined
}
