import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  type AttemptOutcome,
  backoffDelay,
  decide,
  parseRetryAfter,
  type RetryContext,
} from '../../src/retry/retry-policy.ts'

const policy = { maxRetryTimeMs: 60_000, initialDelayMs: 500, maxDelayMs: 30_000, forbiddenRetryMs: 300_000 }
const ctx = (over: Partial<RetryContext> = {}): RetryContext => ({
  attempt: 1,
  elapsedMs: 0,
  refreshedToken: false,
  forbiddenForMs: undefined,
  now: Date.parse('2026-01-01T00:00:00Z'),
  random: 0.5,
  ...over,
})
const response = (status: number, headers: Record<string, string> = {}, body = ''): AttemptOutcome => ({
  kind: 'response',
  status,
  headers,
  body,
})

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z')
  it('reads milliseconds headers first, then seconds, then an HTTP date', () => {
    expect(parseRetryAfter({ 'retry-after-ms': '250', 'retry-after': '9' }, now)).toBe(250)
    expect(parseRetryAfter({ 'x-ms-retry-after-ms': '1200' }, now)).toBe(1200)
    expect(parseRetryAfter({ 'retry-after': '3' }, now)).toBe(3000)
    expect(parseRetryAfter({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }, now)).toBe(5000)
    expect(parseRetryAfter({ 'retry-after': 'Wed, 31 Dec 2025 23:00:00 GMT' }, now)).toBe(0)
    expect(parseRetryAfter({ 'retry-after': 'soon' }, now)).toBeUndefined()
    expect(parseRetryAfter({}, now)).toBeUndefined()
  })
})

describe('decide', () => {
  it('treats 2xx as delivered', () => {
    expect(decide(response(204), ctx(), policy)).toEqual({ action: 'success' })
  })

  it('waits exactly Retry-After on 429, and backs off when there is none', () => {
    expect(decide(response(429, { 'retry-after': '2' }), ctx(), policy)).toMatchObject({
      action: 'retry',
      delayMs: 2000,
      retryAfterMs: 2000,
      code: 'THROTTLED',
    })
    expect(decide(response(429), ctx({ attempt: 3, random: 0 }), policy)).toMatchObject({
      action: 'retry',
      delayMs: 1000,
    })
  })

  it('gives up when Retry-After is beyond the remaining budget', () => {
    expect(decide(response(429, { 'retry-after': '120' }), ctx(), policy)).toMatchObject({
      action: 'drop',
      reason: 'retries-exhausted',
      retriable: true,
    })
  })

  it('retries 408, 500, 502, 503, 504 and network errors; not 501 or 505', () => {
    for (const status of [408, 500, 502, 503, 504]) expect(decide(response(status), ctx(), policy).action).toBe('retry')
    for (const status of [501, 505])
      expect(decide(response(status), ctx(), policy)).toMatchObject({ action: 'drop', reason: 'http-error' })
    expect(decide({ kind: 'network', code: 'ECONNRESET', message: '' }, ctx(), policy).action).toBe('retry')
    expect(
      decide({ kind: 'network', code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', message: '' }, ctx(), policy),
    ).toMatchObject({ action: 'drop', retriable: false })
  })

  it('stops retrying at the time budget', () => {
    expect(decide(response(503), ctx({ elapsedMs: 60_000 }), policy)).toMatchObject({
      action: 'drop',
      reason: 'retries-exhausted',
    })
    const near = decide(response(503), ctx({ elapsedMs: 59_900, attempt: 10 }), policy)
    expect(near).toMatchObject({ action: 'retry', delayMs: 100 })
  })

  it('refreshes the token once on 401, then drops as unauthorized', () => {
    expect(decide(response(401), ctx(), policy)).toEqual({ action: 'refresh-token' })
    expect(decide(response(401), ctx({ refreshedToken: true }), policy)).toMatchObject({
      action: 'drop',
      reason: 'unauthorized',
    })
  })

  it('retries 403 for forbiddenRetryMs, then drops as forbidden', () => {
    expect(decide(response(403), ctx({ forbiddenForMs: 0 }), policy).action).toBe('retry')
    expect(decide(response(403), ctx({ forbiddenForMs: 300_000 }), policy)).toMatchObject({
      action: 'drop',
      reason: 'forbidden',
      retriable: false,
    })
    expect(decide(response(403), ctx({ forbiddenForMs: 0 }), { ...policy, forbiddenRetryMs: 0 })).toMatchObject({
      action: 'drop',
      reason: 'forbidden',
    })
  })

  it('gives 403 its own window: a 30-minute forbiddenRetryMs outlasts maxRetryTimeMs, and no wait passes it', () => {
    const long = { ...policy, forbiddenRetryMs: 1_800_000 }
    expect(decide(response(403), ctx({ forbiddenForMs: 600_000, elapsedMs: 600_000 }), long)).toMatchObject({
      action: 'retry',
      code: 'FORBIDDEN',
    })
    expect(
      decide(response(403), ctx({ forbiddenForMs: 1_799_900, elapsedMs: 1_799_900, attempt: 20 }), long),
    ).toMatchObject({ action: 'retry', delayMs: 100 })
  })

  it('drops 404, splits 413, bisects 400', () => {
    expect(decide(response(404), ctx(), policy)).toMatchObject({
      action: 'drop',
      reason: 'not-found',
      retriable: false,
    })
    expect(decide(response(413), ctx(), policy)).toEqual({ action: 'split' })
    expect(decide(response(400), ctx(), policy)).toEqual({ action: 'bisect' })
  })

  it('drops permanent credential errors, retries transient ones', () => {
    const unavailable = Object.assign(new Error('x'), { name: 'CredentialUnavailableError' })
    const badSecret = Object.assign(new Error('AADSTS7000215'), { name: 'AuthenticationError', statusCode: 401 })
    expect(decide({ kind: 'auth', error: unavailable }, ctx(), policy)).toMatchObject({
      action: 'drop',
      reason: 'auth-failed',
    })
    expect(decide({ kind: 'auth', error: badSecret }, ctx(), policy)).toMatchObject({
      action: 'drop',
      reason: 'auth-failed',
    })
    const msal = Object.assign(new Error('invalid_client: AADSTS7000215: Invalid client secret provided.'), {
      name: 'AuthenticationRequiredError',
    })
    expect(decide({ kind: 'auth', error: msal }, ctx(), policy)).toMatchObject({
      action: 'drop',
      reason: 'auth-failed',
    })
    expect(decide({ kind: 'auth', error: new Error('ETIMEDOUT') }, ctx(), policy).action).toBe('retry')
  })

  it('property: backoff stays within [exp/2, exp] and never above maxDelayMs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, random) => {
          const d = backoffDelay(attempt, policy, random)
          const exp = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1))
          expect(d).toBeGreaterThanOrEqual(Math.floor(exp / 2))
          expect(d).toBeLessThanOrEqual(Math.ceil(exp))
        },
      ),
    )
  })

  it('property: a retry never waits past the budget', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 0, max: 70_000 }),
        fc.constantFrom(408, 429, 500, 503),
        (attempt, elapsedMs, status) => {
          const d = decide(response(status), ctx({ attempt, elapsedMs }), policy)
          if (d.action === 'retry') expect(elapsedMs + d.delayMs).toBeLessThanOrEqual(policy.maxRetryTimeMs)
          else expect(d).toMatchObject({ action: 'drop', reason: 'retries-exhausted' })
        },
      ),
    )
  })
})
