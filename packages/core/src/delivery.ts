/**
 * Sends one body until it is delivered, split (413), bisected (400) or dropped: token, POST, retry policy,
 * Retry-After, 401 refresh, the 403 window. Settles every record of the body exactly once.
 */
import { setTimeout as delay } from 'node:timers/promises'
import type { TokenCache } from './auth/token-cache.js'
import { type Body, bodyRecords, bodyRecordsSync } from './body.js'
import { debug, publish } from './diagnostics.js'
import { adviceFor, type DropInfo, type DropReporter } from './drops.js'
import { messageOf } from './errors.js'
import type { IngestionTransport } from './http/transport.js'
import { type PackOptions, packRecords } from './packer.js'
import {
  type AttemptOutcome,
  azureErrorCode,
  azureErrorMessage,
  claimsFor401,
  decide,
  type RetryPolicyOptions,
} from './retry/retry-policy.js'
import type { StatsCounter } from './stats.js'

/** A body's records as delivery tracks them: settled (delivered or dropped) one part at a time. */
export interface Batch {
  readonly firstSeq: number
  remaining: number
  /** Reported by `abandon()`: whatever happens to the request later is not counted again. */
  abandoned?: boolean
}

export interface DeliveryOptions {
  url: URL
  userAgent: string
  ruleId: string
  maxRequestBytes: number
  maxBisectRequests: number
  forbiddenRetryMs: number
  policy: RetryPolicyOptions
  pack: PackOptions
}

/** Replaceable edges (tests inject a clock, randomness, sleep and a transport). */
export interface DeliveryDeps {
  transport: IngestionTransport
  tokens: TokenCache
  stats: StatsCounter
  drops: DropReporter
  /** Aborted when close() gives up waiting: in-flight requests and backoff sleeps end. */
  shutdown: AbortSignal
  now: () => number
  random: () => number
  sleep: (ms: number, signal: AbortSignal) => Promise<void>
  uuid: () => string
}

/** Resolves after `ms`, or early on abort; never holds the process open. */
export const sleepUnref = (ms: number, signal: AbortSignal): Promise<void> =>
  delay(ms, undefined, { signal, ref: false }).then(
    () => {},
    () => {},
  )

/** Settles with `onAbort()` as soon as `signal` aborts, whatever `promise` does (a hung credential or socket). */
const abortable = <T>(promise: Promise<T>, signal: AbortSignal, onAbort: () => T): Promise<T> => {
  if (signal.aborted) return Promise.resolve().then(onAbort)
  let stop!: () => void
  const aborted = new Promise<T>((resolve, reject) => {
    stop = () => {
      try {
        resolve(onAbort())
      } catch (error) {
        reject(error)
      }
    }
    signal.addEventListener('abort', stop, { once: true })
  })
  return Promise.race([promise, aborted]).finally(() => signal.removeEventListener('abort', stop))
}

const closing = (): Error => Object.assign(new Error('the client is closing'), { code: 'ABORT_ERR' })

interface LastAttempt {
  status?: number | undefined
  errorCode?: string | undefined
  detail?: string | undefined
  cause?: unknown
  retryAfterMs?: number | undefined
}

export class Delivery {
  /** Records in requests that have not completed. */
  inFlightRecords = 0
  private _forbiddenSince: number | undefined
  private readonly _inFlight = new Map<Batch, Body>()

  constructor(
    private readonly _o: DeliveryOptions,
    private readonly _d: DeliveryDeps,
  ) {}

  /** Sends a body and settles all of its records in `batch`; never rejects. */
  async deliver(body: Body, batch: Batch): Promise<void> {
    this.inFlightRecords += body.count
    this._inFlight.set(batch, body)
    try {
      await this._send(body, batch, { bisectRequests: this._o.maxBisectRequests })
    } catch (error) {
      // not expected: every path below settles its records; keep the promise that nothing is lost silently
      const left = batch.remaining
      if (left > 0 && this._settle(batch, left)) {
        this._d.drops.report('http-error', this._lazy(body, left), {
          detail: `internal error while sending: ${messageOf(error)}`,
          cause: error,
        })
      }
    } finally {
      this._inFlight.delete(batch)
    }
  }

  /**
   * Reports the records of every request still under way as `shutdown-timeout`, synchronously (a process
   * `exit` handler, where nothing asynchronous runs any more); later outcomes of those requests are not counted.
   */
  abandon(detail: string): void {
    for (const [batch, body] of this._inFlight) {
      const left = batch.remaining
      if (left <= 0 || batch.abandoned) continue
      this._settle(batch, left)
      batch.abandoned = true
      this._d.drops.report('shutdown-timeout', this._lazy(body, left), { retriable: true, detail })
    }
  }

  /** Counts records as settled; false when `abandon()` already reported them (the caller then does nothing). */
  private _settle(batch: Batch, records: number): boolean {
    if (batch.abandoned) return false
    batch.remaining -= records
    this.inFlightRecords -= records
    return true
  }

  /** A body's records, read back only if onDrop wants them; `count` may be a remainder of the body. */
  private _lazy(body: Body, count = body.count) {
    return { count, read: () => bodyRecordsSync(body).slice(body.count - count) }
  }

  private async _send(body: Body, batch: Batch, budget: { bisectRequests: number }): Promise<void> {
    const d = this._d
    const clientRequestId = d.uuid()
    const started = d.now()
    const signal = d.shutdown
    let attempt = 0
    let refreshed = false
    let last: LastAttempt = {}

    if (body.payload.length > this._o.maxRequestBytes) {
      // the packer's bound makes this impossible; should zlib ever surprise us, split instead of sending a 413
      debug(() => `body of ${body.payload.length} bytes exceeds maxRequestBytes; splitting`)
      return this._split(body, batch, budget, 'record-too-large', { clientRequestId })
    }

    for (;;) {
      attempt++
      if (signal.aborted) {
        if (!this._settle(batch, body.count)) return
        d.drops.report('shutdown-timeout', this._lazy(body), {
          ...last,
          clientRequestId,
          retriable: true,
          detail: `close() deadline reached after ${attempt - 1} attempt(s)`,
        })
        return
      }
      const outcome = await this._attempt(body, clientRequestId, attempt)
      last = this._describe(outcome)
      const decision = decide(
        outcome.result,
        {
          attempt,
          elapsedMs: d.now() - started,
          refreshedToken: refreshed,
          forbiddenForMs: this._forbiddenSince === undefined ? undefined : d.now() - this._forbiddenSince,
          now: d.now(),
          random: d.random(),
        },
        this._o.policy,
      )

      switch (decision.action) {
        case 'success': {
          if (!this._settle(batch, body.count)) return
          const fill = body.full ? body.payload.length / this._o.maxRequestBytes : undefined
          d.stats.deliver(body.count, body.rawBytes, body.payload.length, fill)
          return
        }
        case 'refresh-token':
          refreshed = true
          if (outcome.token !== undefined) {
            const headers = outcome.result.kind === 'response' ? outcome.result.headers : {}
            d.tokens.invalidate(outcome.token, claimsFor401(headers, d.now()))
          }
          d.stats.retried += body.count
          continue
        case 'retry': {
          if (decision.code === 'FORBIDDEN' && attempt === 1) this._warnConfig(last, clientRequestId)
          last.retryAfterMs = decision.retryAfterMs
          d.stats.retried += body.count
          publish('retry', () => ({
            clientRequestId,
            attempt,
            records: body.count,
            delayMs: decision.delayMs,
            code: decision.code,
            status: last.status ?? last.errorCode,
          }))
          debug(
            () =>
              `retrying ${body.count} records in ${decision.delayMs} ms (${decision.code}${last.status ? ` ${last.status}` : ''}) [${clientRequestId}]`,
          )
          await d.sleep(decision.delayMs, signal)
          continue
        }
        case 'split':
          return this._split(body, batch, budget, 'record-too-large', { ...last, clientRequestId })
        case 'bisect':
          if (body.count > 1 && budget.bisectRequests >= 2) {
            budget.bisectRequests -= 2
            return this._split(body, batch, budget, 'rejected', { ...last, clientRequestId })
          }
          if (!this._settle(batch, body.count)) return
          d.drops.report('rejected', this._lazy(body), {
            ...last,
            clientRequestId,
            retriable: false,
            detail: `${last.detail ?? 'HTTP 400'}${body.count > 1 ? ` (bisection budget of ${this._o.maxBisectRequests} requests used up; these ${body.count} records were not isolated further)` : ''}`,
          })
          return
        case 'drop': {
          if (!this._settle(batch, body.count)) return
          if (decision.reason === 'forbidden' || decision.reason === 'not-found')
            this._warnConfig(last, clientRequestId)
          const elapsed = Math.round((d.now() - started) / 100) / 10
          const retryAfter =
            last.retryAfterMs !== undefined ? `; last Retry-After ${Math.round(last.retryAfterMs / 100) / 10} s` : ''
          d.drops.report(decision.reason, this._lazy(body), {
            ...last,
            clientRequestId,
            retriable: decision.retriable,
            detail: `${last.status ?? last.errorCode ?? decision.code} after ${attempt} attempt(s) over ${elapsed} s${retryAfter}${last.detail ? `: ${last.detail}` : ''}`,
          })
          return
        }
      }
    }
  }

  /** One POST with a token; never throws. */
  private async _attempt(
    body: Body,
    clientRequestId: string,
    attempt: number,
  ): Promise<{ result: AttemptOutcome; token: string | undefined }> {
    const d = this._d
    const signal = d.shutdown
    let token: string | undefined
    try {
      token = await abortable(d.tokens.get(signal), signal, () => {
        throw closing()
      })
    } catch (error) {
      return { result: { kind: 'auth', error }, token: undefined }
    }
    const headers: Record<string, string> = {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json',
      'user-agent': this._o.userAgent,
      'x-ms-client-request-id': clientRequestId,
    }
    if (body.encoding === 'gzip') headers['content-encoding'] = 'gzip'
    const attemptStart = d.now()
    const result = await abortable(d.transport.send({ body: body.payload, headers, signal }), signal, () => ({
      kind: 'network' as const,
      code: 'ABORT_ERR',
      message: 'the client is closing',
    }))
    const status = result.kind === 'response' ? result.status : result.code
    d.stats.request(status)
    if (result.kind === 'response') {
      if (result.status === 403) this._forbiddenSince ??= d.now()
      else if (result.status >= 200 && result.status < 300) this._forbiddenSince = undefined
    }
    const errorCode =
      result.kind === 'response' && result.status >= 300 ? azureErrorCode(result.headers, result.body) : undefined
    publish('request', () => ({
      clientRequestId,
      attempt,
      records: body.count,
      sentBytes: body.payload.length,
      rawBytes: body.rawBytes,
      status,
      errorCode,
      durationMs: d.now() - attemptStart,
    }))
    debug(
      () =>
        `POST ${body.count} records, ${body.payload.length} bytes (${body.rawBytes} raw) → ${status}${errorCode ? ` ${errorCode}` : ''} [${clientRequestId} #${attempt}]`,
    )
    return { result, token }
  }

  private _describe({ result }: { result: AttemptOutcome }): LastAttempt {
    if (result.kind === 'response') {
      const failed = result.status >= 300
      const message = failed ? azureErrorMessage(result.body) : undefined
      return {
        status: result.status,
        errorCode: failed ? azureErrorCode(result.headers, result.body) : undefined,
        detail: message ?? (result.body.trim().slice(0, 200) || undefined),
      }
    }
    if (result.kind === 'network') return { errorCode: result.code, detail: result.message }
    return { detail: messageOf(result.error), cause: result.error }
  }

  /** Halves (413, or 400 bisection), re-packed and sent one after another; a single record is dropped. */
  private async _split(
    body: Body,
    batch: Batch,
    budget: { bisectRequests: number },
    singleReason: 'record-too-large' | 'rejected',
    info: DropInfo,
  ): Promise<void> {
    const records = await bodyRecords(body)
    if (records.length <= 1) {
      if (!this._settle(batch, records.length)) return
      this._d.drops.report(singleReason, records, {
        ...info,
        retriable: false,
        detail: info.detail ?? `HTTP ${info.status ?? ''}`,
      })
      return
    }
    const middle = Math.ceil(records.length / 2)
    for (const half of [records.slice(0, middle), records.slice(middle)]) {
      const { bodies, tooLarge } = await packRecords(half, this._o.pack)
      if (tooLarge.length > 0) {
        if (!this._settle(batch, tooLarge.length)) return
        this._d.drops.report('record-too-large', tooLarge, { ...info, retriable: false })
      }
      // each part is at most half of what was refused, so a 413 or 400 again halves it further
      for (const part of bodies) await this._send(part, batch, budget)
    }
  }

  private _warnConfig(last: LastAttempt, clientRequestId: string): void {
    const { status, errorCode } = last
    const host = this._o.url.host
    const message =
      status === 403
        ? `403 ${errorCode ?? ''} from ${host}: the identity may not ingest into rule ${this._o.ruleId}. ${adviceFor('forbidden')} Retrying for up to ${this._o.forbiddenRetryMs} ms (forbiddenRetryMs). [${clientRequestId}]`
        : `${status ?? ''} ${errorCode ?? ''} from ${host}: ${adviceFor('not-found')} [${clientRequestId}]`
    publish('warning', () => ({ message }))
    debug(() => message)
    this._d.stats.error(message, errorCode, status, new Date(this._d.now()))
  }
}
