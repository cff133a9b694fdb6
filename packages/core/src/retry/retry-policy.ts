/**
 * Pure retry policy: the outcome of one attempt (+ context) → what to do next. No clock, timers or
 * randomness of its own: `now` and `random` come in with the context.
 * Policy (docs/logs-ingestion-api.md §11.2): 2xx delivered; 401 → refresh the token once; 403 → retried
 * for `forbiddenRetryMs` after the first 403 of a streak (role assignments propagate in up to 30 min; this
 * window replaces `maxRetryTimeMs` for 403), then dropped; 404 → dropped (configuration); 408/429/5xx (not 501/505) and network errors → backoff with
 * jitter (429 honours Retry-After) within `maxRetryTimeMs`; 413 → split; 400 → bisect.
 */
import type { LogsIngestionErrorCode } from '../errors.js'
import type { DropReason } from '../types.js'

export type Headers = Readonly<Record<string, string | string[] | undefined>>

/** What one attempt produced. */
export type AttemptOutcome =
  | { kind: 'response'; status: number; headers: Headers; body: string }
  | { kind: 'network'; code: string; message: string }
  | { kind: 'auth'; error: unknown }

export interface RetryContext {
  /** Attempts made so far for this batch, including the one being judged (1 for the first). */
  attempt: number
  /** Time since the batch's first attempt. */
  elapsedMs: number
  /** The token was already refreshed after a 401 for this batch. */
  refreshedToken: boolean
  /** Time since the first 403 of the current streak (undefined when the last response was not 403). */
  forbiddenForMs: number | undefined
  now: number
  /** In [0, 1). */
  random: number
}

export interface RetryPolicyOptions {
  maxRetryTimeMs: number
  initialDelayMs: number
  maxDelayMs: number
  forbiddenRetryMs: number
}

export type RetryDecision =
  | { action: 'success' }
  | { action: 'retry'; delayMs: number; code: LogsIngestionErrorCode; retryAfterMs?: number }
  | { action: 'refresh-token' }
  | { action: 'split' }
  | { action: 'bisect' }
  | { action: 'drop'; reason: DropReason; code: LogsIngestionErrorCode; retriable: boolean }

const header = (headers: Headers, name: string): string | undefined => {
  const v = headers[name] ?? headers[name.toLowerCase()]
  return Array.isArray(v) ? v[0] : v
}

/**
 * Server-requested delay: `retry-after-ms`, `x-ms-retry-after-ms` (milliseconds), then `Retry-After`
 * (seconds or an HTTP date). Undefined when absent or unparsable.
 */
export const parseRetryAfter = (headers: Headers, now: number): number | undefined => {
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const v = header(headers, name)
    if (v !== undefined && /^\s*\d+(\.\d+)?\s*$/.test(v)) return Math.max(0, Math.ceil(Number(v)))
  }
  const v = header(headers, 'retry-after')
  if (v === undefined || v.trim() === '') return undefined
  if (/^\s*\d+(\.\d+)?\s*$/.test(v)) return Math.max(0, Math.ceil(Number(v) * 1000))
  const date = Date.parse(v)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/** Azure's error code: `x-ms-error-code`, else `error.code` of a JSON body. */
export const azureErrorCode = (headers: Headers, body: string): string | undefined => {
  const h = header(headers, 'x-ms-error-code')
  if (h) return h
  try {
    const code = (JSON.parse(body) as { error?: { code?: unknown } })?.error?.code
    return typeof code === 'string' && code !== '' ? code : undefined
  } catch {
    return undefined
  }
}

/** Azure's error message from a JSON body, when there is one. */
export const azureErrorMessage = (body: string): string | undefined => {
  try {
    const message = (JSON.parse(body) as { error?: { message?: unknown } })?.error?.message
    return typeof message === 'string' && message !== '' ? message : undefined
  } catch {
    return undefined
  }
}

/**
 * The claims challenge of a 401 (`WWW-Authenticate: Bearer … claims="<base64 JSON>"`), else a minimal
 * `nbf` challenge, so the credential fetches a new token instead of serving the refused one from its cache
 * (as the Azure SDK's bearer policy does for CAE challenges).
 */
export const claimsFor401 = (headers: Headers, nowMs: number): string => {
  const challenge = header(headers, 'www-authenticate')
  const match = challenge === undefined ? null : /claims="([^"]+)"/i.exec(challenge)
  if (match?.[1] !== undefined) {
    try {
      const decoded = Buffer.from(match[1], 'base64').toString('utf8')
      JSON.parse(decoded)
      return decoded
    } catch {
      // not base64 JSON: fall through to our own challenge
    }
  }
  return JSON.stringify({ access_token: { nbf: { essential: true, value: String(Math.floor(nowMs / 1000)) } } })
}

/** Exponential backoff with "equal jitter": half fixed, half random (as the Azure SDK does). */
export const backoffDelay = (attempt: number, options: RetryPolicyOptions, random: number): number => {
  const exp = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** Math.min(attempt - 1, 30))
  return Math.round(exp / 2 + (exp / 2) * random)
}

/** Network failures that are a configuration problem, not a transient one (retrying cannot help). */
const PERMANENT_NETWORK =
  /^(CERT_|ERR_TLS_CERT|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_INVALID_URL|ERR_PROXY_AUTH)/

/** OAuth errors Entra answers for bad configuration (wrong secret, unknown app or tenant, wrong scope). */
const PERMANENT_OAUTH = /\b(invalid_client|unauthorized_client|invalid_scope|invalid_grant|invalid_resource)\b/

const isPermanentAuthError = (error: unknown): boolean => {
  const e = error as { name?: unknown; statusCode?: unknown; code?: unknown; message?: unknown }
  if (e?.code === 'MISSING_DEPENDENCY') return true
  // @azure/identity: no usable source of credentials, or MSAL refused the app's credentials
  if (e?.name === 'CredentialUnavailableError' || e?.name === 'AuthenticationRequiredError') return true
  if (e?.name === 'AuthenticationError' && (e.statusCode === 400 || e.statusCode === 401)) return true
  return typeof e?.message === 'string' && PERMANENT_OAUTH.test(e.message)
}

/** Decides what follows one attempt. */
export const decide = (outcome: AttemptOutcome, ctx: RetryContext, options: RetryPolicyOptions): RetryDecision => {
  const retry = (code: LogsIngestionErrorCode, retryAfterMs?: number): RetryDecision => {
    const remaining = options.maxRetryTimeMs - ctx.elapsedMs
    const delay = retryAfterMs ?? backoffDelay(ctx.attempt, options, ctx.random)
    // a server that asks us to wait past the budget gets no early retry: give up now
    if (remaining <= 0 || (retryAfterMs !== undefined && retryAfterMs > remaining)) {
      return { action: 'drop', reason: 'retries-exhausted', code, retriable: true }
    }
    const decision: RetryDecision = { action: 'retry', delayMs: Math.min(delay, remaining), code }
    if (retryAfterMs !== undefined) decision.retryAfterMs = retryAfterMs
    return decision
  }

  if (outcome.kind === 'auth') {
    return isPermanentAuthError(outcome.error)
      ? { action: 'drop', reason: 'auth-failed', code: 'AUTH_FAILED', retriable: false }
      : retry('AUTH_FAILED')
  }
  if (outcome.kind === 'network') {
    return PERMANENT_NETWORK.test(outcome.code)
      ? { action: 'drop', reason: 'http-error', code: 'NETWORK_ERROR', retriable: false }
      : retry('NETWORK_ERROR')
  }
  const { status, headers } = outcome
  if (status >= 200 && status < 300) return { action: 'success' }
  switch (status) {
    case 400:
      return { action: 'bisect' }
    case 401:
      return ctx.refreshedToken
        ? { action: 'drop', reason: 'unauthorized', code: 'UNAUTHORIZED', retriable: false }
        : { action: 'refresh-token' }
    case 403: {
      // its own window, from the first 403 of the streak, not maxRetryTimeMs: a forbiddenRetryMs of 30 min
      // (role propagation) must not be cut short by the 5-minute budget for transient failures
      const remaining = options.forbiddenRetryMs - (ctx.forbiddenForMs ?? 0)
      if (remaining <= 0) return { action: 'drop', reason: 'forbidden', code: 'FORBIDDEN', retriable: false }
      return {
        action: 'retry',
        delayMs: Math.min(backoffDelay(ctx.attempt, options, ctx.random), remaining),
        code: 'FORBIDDEN',
      }
    }
    case 404:
      return { action: 'drop', reason: 'not-found', code: 'NOT_FOUND', retriable: false }
    case 413:
      return { action: 'split' }
    case 408:
      return retry('NETWORK_ERROR')
    case 429:
      return retry('THROTTLED', parseRetryAfter(headers, ctx.now))
    default:
      if (status >= 500 && status !== 501 && status !== 505) {
        // a 503 may carry Retry-After too
        return retry('SERVER_ERROR', parseRetryAfter(headers, ctx.now))
      }
      return { action: 'drop', reason: 'http-error', code: 'HTTP_ERROR', retriable: false }
  }
}
