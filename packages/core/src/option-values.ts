/**
 * Reading option values: the error that names an option, redaction of secrets in what errors show, and the
 * small parsers `resolveOptions()` shares (booleans, loopback and cloud from a host, `NO_PROXY`). Pure.
 */
import { LogsIngestionError } from './errors.js'
import type { AzureCloud } from './types.js'

export const invalid = (option: string, got: unknown, expected: string): LogsIngestionError =>
  new LogsIngestionError('INVALID_OPTIONS', `Invalid option "${option}": expected ${expected} (got ${show(got)}).`)

/** A value shown in an error by description only (it may be a secret). */
export class Redacted {
  constructor(readonly description: string) {}
}

export const show = (value: unknown): string => {
  if (value instanceof Redacted) return value.description
  if (typeof value === 'string') return JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}…` : value)
  if (typeof value === 'function') return 'a function'
  if (value === null || typeof value !== 'object') return String(value)
  try {
    return JSON.stringify(redact(value))
  } catch {
    return Object.prototype.toString.call(value)
  }
}

const SECRET_KEYS = new Set(['clientSecret', 'certificate', 'token', 'password'])

/** A copy with secret fields replaced, for error messages and diagnostics. */
export const redact = (value: object): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEYS.has(k) && v !== undefined ? '<redacted>' : v
  return out
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[?::1\]?|\[?::ffff:127(?:\.\d{1,3}){3}\]?)$/i

/** True for localhost, 127.0.0.0/8 and ::1. */
export const isLoopbackHost = (hostname: string): boolean => LOOPBACK.test(hostname)

/** The cloud an ingestion endpoint belongs to, from its host name. */
export const cloudForEndpoint = (hostname: string): AzureCloud => {
  const host = hostname.toLowerCase()
  if (host.endsWith('.azure.us')) return 'usgov'
  if (host.endsWith('.azure.cn')) return 'china'
  return 'public'
}

export const parseBool = (option: string, value: string): boolean => {
  if (/^(1|true|yes|on)$/i.test(value)) return true
  if (/^(0|false|no|off)$/i.test(value)) return false
  throw invalid(option, value, 'true or false')
}

/** Whether `NO_PROXY` (comma/space separated hosts, `.suffix`, `*`, optional `:port`) exempts this URL. */
export const isNoProxy = (url: URL, noProxy: string | undefined): boolean => {
  if (!noProxy) return false
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '')
  const port = url.port || (url.protocol === 'http:' ? '80' : '443')
  for (const raw of noProxy.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase()
    if (entry === '') continue
    if (entry === '*') return true
    const m = /^(.*?)(?::(\d+))?$/.exec(entry.replace(/^\[|\]$/g, ''))
    const h = (m?.[1] ?? entry).replace(/^\*?\./, '.')
    if (m?.[2] !== undefined && m[2] !== port) continue
    if (h.startsWith('.') ? host.endsWith(h) || host === h.slice(1) : host === h || host.endsWith(`.${h}`)) return true
  }
  return false
}
