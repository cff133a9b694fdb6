/**
 * Reading the default record shape (`DEFAULT_COLUMNS`: what every adapter produces) for the built-in table
 * presets: typed access to its columns and the OpenTelemetry severity bands the presets translate. Pure.
 */
import type { LogColumns } from '../types.js'

type Json = Record<string, unknown>

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

/** A string column, or undefined when missing or empty. */
export const text = (record: LogColumns, column: string): string | undefined => {
  const v = record[column]
  return typeof v === 'string' && v !== '' ? v : undefined
}

/** The message of a record as text (`Body` is a string in the default shape; anything else is shown as JSON). */
export const bodyText = (record: LogColumns): string => {
  const v = record['Body']
  if (typeof v === 'string') return v
  if (v === undefined || v === null) return ''
  try {
    return JSON.stringify(v) ?? String(v)
  } catch {
    return String(v)
  }
}

/** An object column such as `Attributes` or `Resource` (a copy, so it can be consumed), else an empty object. */
export const fields = (record: LogColumns, column: string): Json => {
  const v = record[column]
  return isObject(v) ? { ...v } : {}
}

/** Takes a key out of `from` and returns its value. */
export const take = (from: Json, key: string): unknown => {
  const v = from[key]
  delete from[key]
  return v
}

/** An integer value (a number, or integral text), else undefined. */
export const integer = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : NaN
  return Number.isSafeInteger(n) ? n : undefined
}

/** Text of a scalar value, else undefined. */
export const scalarText = (v: unknown): string | undefined =>
  typeof v === 'string'
    ? v === ''
      ? undefined
      : v
    : typeof v === 'number' || typeof v === 'boolean'
      ? String(v)
      : undefined

/** The record's time as the record holds it (Date or ISO text), or undefined. */
export const time = (record: LogColumns, column = 'TimeGenerated'): unknown => {
  const v = record[column]
  return v instanceof Date || typeof v === 'string' ? v : undefined
}

/** OpenTelemetry severity bands (1–24): trace, debug, info, warn, error, fatal, with the syslog names between. */
export type SeverityBand = 'trace' | 'debug' | 'info' | 'notice' | 'warn' | 'error' | 'crit' | 'alert' | 'emerg'

/** The band of an OpenTelemetry severity number (as `severityNumberFor` assigns them), or undefined. */
export const severityBand = (severityNumber: unknown): SeverityBand | undefined => {
  const n = integer(severityNumber)
  if (n === undefined || n < 1 || n > 24) return undefined
  if (n <= 4) return 'trace'
  if (n <= 8) return 'debug'
  if (n === 9) return 'info'
  if (n <= 12) return 'notice'
  if (n <= 16) return 'warn'
  if (n <= 20) return 'error'
  if (n === 21) return 'crit'
  if (n === 22) return 'alert'
  return 'emerg'
}

/** The exception of a record as one line: `TypeError: message`, or undefined. */
export const exceptionLine = (record: LogColumns): string | undefined => {
  const type = text(record, 'ExceptionType')
  const message = text(record, 'ExceptionMessage')
  if (type === undefined && message === undefined) return undefined
  return type === undefined ? message : message === undefined ? type : `${type}: ${message}`
}
