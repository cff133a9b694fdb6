/** How datetime values are recognised and written, shared by conversion and inference so they agree. Pure. */

// date, time to the minute at least, optional seconds and fraction, optional zone: what Kusto and JSON agree on
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)?$/i

/** True for ISO 8601 date-time text with a real date (not `2026-13-45T00:00`). */
export const isIsoDateTime = (value: string): boolean =>
  ISO_DATE_TIME.test(value) && !Number.isNaN(Date.parse(normaliseIso(value)))

/** A zone-less ISO time is UTC for Kusto but local time for `Date.parse`; say so explicitly. */
const normaliseIso = (value: string): string => {
  const t = value.replace(' ', 'T')
  return /(Z|[+-]\d{2}(:?\d{2})?)$/i.test(t) ? t : `${t}Z`
}

/** Epoch milliseconds of datetime text the service would read, or undefined. */
export const parseDateTimeText = (value: string): number | undefined => {
  const text = value.trim()
  if (text === '') return undefined
  const ms = Date.parse(ISO_DATE_TIME.test(text) ? normaliseIso(text) : text)
  return Number.isNaN(ms) ? undefined : ms
}
