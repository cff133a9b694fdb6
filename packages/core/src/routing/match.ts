/**
 * A route's `match`, compiled once into a predicate over records of the shape the adapter mapped (the default
 * columns, or the user's). Pure; a predicate never throws for any record (a throwing getter reads as absent).
 */
import type { LogColumns } from '../types.js'
import { type FieldMatch, type FieldValue, type RouteMatch, severityBound } from './route-options.js'

export type RecordPredicate = (record: LogColumns) => boolean

type Json = Record<string, unknown>

const own = (value: unknown, key: string): unknown => {
  if (value === null || typeof value !== 'object') return undefined
  return Object.hasOwn(value, key) ? (value as Json)[key] : undefined
}

/**
 * Reads a dot path. At each level the longest key that exists wins, so `Attributes.http.route` finds
 * `{ Attributes: { 'http.route': … } }` (OpenTelemetry attributes are flat, dotted keys) as well as nested objects.
 */
export const readPath = (record: unknown, segments: readonly string[], from = 0): unknown => {
  if (from === segments.length) return record
  if (record === null || typeof record !== 'object') return undefined
  for (let end = segments.length; end > from; end--) {
    const key = end === from + 1 ? segments[from]! : segments.slice(from, end).join('.')
    if (Object.hasOwn(record, key)) {
      const found = readPath((record as Json)[key], segments, end)
      if (found !== undefined || end === from + 1) return found
    }
  }
  return undefined
}

const fieldPredicate = (f: FieldMatch): RecordPredicate => {
  const segments = f.path.split('.')
  const read = (record: LogColumns) => readPath(record, segments)
  if (f.equals !== undefined) {
    const want = f.equals
    return (r) => read(r) === want
  }
  if (f.in !== undefined) {
    const set = new Set<FieldValue>(f.in)
    return (r) => set.has(read(r) as FieldValue)
  }
  if (f.exists === false) return (r) => read(r) === undefined
  return (r) => {
    const v = read(r)
    return v !== undefined && v !== null
  }
}

const lowerSet = (names: string | readonly string[]): ReadonlySet<string> =>
  new Set((typeof names === 'string' ? [names] : names).map((n) => n.toLowerCase()))

/** Compiles a validated `match` (see `validateRoutes`). */
export const compileMatch = (match: RouteMatch): RecordPredicate => {
  const tests: RecordPredicate[] = []
  const min = severityBound(match.minSeverity, 'minSeverity')
  const max = severityBound(match.maxSeverity, 'maxSeverity')
  if (min !== undefined || max !== undefined) {
    const lo = min ?? 1
    const hi = max ?? 24
    tests.push((r) => {
      const n = r['SeverityNumber']
      return typeof n === 'number' && n >= lo && n <= hi
    })
  }
  if (match.severityText !== undefined) {
    const texts = lowerSet(match.severityText)
    tests.push((r) => {
      const t = r['SeverityText']
      return typeof t === 'string' && texts.has(t.toLowerCase())
    })
  }
  if (match.logger !== undefined) {
    const loggers = new Set(typeof match.logger === 'string' ? [match.logger] : match.logger)
    tests.push((r) => loggers.has(own(r, 'ScopeName') as string) || loggers.has(own(r, 'ServiceName') as string))
  }
  if (match.field !== undefined) {
    const fields: readonly FieldMatch[] = Array.isArray(match.field) ? match.field : [match.field as FieldMatch]
    for (const f of fields) tests.push(fieldPredicate(f))
  }
  const all = (record: LogColumns): boolean => {
    for (const test of tests) if (!test(record)) return false
    return true
  }
  return (record) => {
    try {
      return all(record)
    } catch {
      return false
    }
  }
}
