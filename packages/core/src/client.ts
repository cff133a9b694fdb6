/**
 * `createLogsIngestionClient()`: the one place the parts are composed.
 * push → serialise once → bounded buffer → packer (streaming gzip, ≤ maxRequestBytes as sent)
 * → retrying delivery (token cache, retry policy, split/bisect) → HTTPS transport.
 */
import { randomUUID } from 'node:crypto'
import packageJson from '../package.json' with { type: 'json' }
import { credentialFromConfig } from './auth/credential-config.js'
import { TokenCache } from './auth/token-cache.js'
import { BoundedBuffer, type Entry } from './buffer.js'
import { debug, publish } from './diagnostics.js'
import { DROP_REASON_CODES, LogsIngestionError, messageOf } from './errors.js'
import { createHttpsTransport } from './http/https-transport.js'
import type { IngestionTransport } from './http/transport.js'
import { checkOptionNames } from './option-names.js'
import {
  CORE_OPTION_NAMES,
  type Env,
  type LogsIngestionClientOptions,
  type ResolvedOptions,
  resolveOptions,
} from './options.js'
import { addEntry, BodyBuilder, type PackedBody, type PackLimits, packEntries } from './packer.js'
import {
  type AttemptOutcome,
  azureErrorCode,
  azureErrorMessage,
  claimsFor401,
  decide,
  type RetryPolicyOptions,
} from './retry/retry-policy.js'
import { serializeRecord, serializeValue } from './serialize.js'
import { StatsCounter } from './stats.js'
import type {
  CloseOptions,
  DropReason,
  FlushOptions,
  FlushResult,
  LogColumns,
  LogsIngestionClient,
  LogsIngestionStats,
  ReportDropOptions,
  TokenCredential,
  WaitForSpaceOptions,
} from './types.js'

/** Replaceable edges, for tests. Everything has a real default. */
export interface ClientDeps {
  now?: () => number
  random?: () => number
  /** Resolves after `ms`, or early when `signal` aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>
  transport?: IngestionTransport
  randomUUID?: () => string
  /** Defaults to `process.env`. */
  env?: Env
  /** Defaults to `process.emitWarning` (unknown option names). */
  emitWarning?: (message: string, options: { code: string; type: string }) => void
}

const CORE_OPTION_NAME_SET: ReadonlySet<string> = new Set(CORE_OPTION_NAMES)

/** A batch handed to delivery: one sealed body, tracked until every record in it is settled. */
interface Batch {
  readonly minSeq: number
  remaining: number
}

const USER_AGENT_BASE = `dcr-logs-core/${packageJson.version} Node.js/${process.versions.node} (${process.platform}; ${process.arch})`

const sleepUnref = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const onAbort = () => {
      clearTimeout(timer)
      resolve()
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    // a logger must never keep a process alive
    timer.unref()
    signal.addEventListener('abort', onAbort, { once: true })
  })

/** Settles with `onAbort()` as soon as `signal` aborts, whatever `promise` does (a hung credential or socket). */
const abortable = <T>(promise: Promise<T>, signal: AbortSignal, onAbort: () => T): Promise<T> => {
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      try {
        resolve(onAbort())
      } catch (error) {
        reject(error)
      }
    }
    if (signal.aborted) return abort()
    signal.addEventListener('abort', abort, { once: true })
    promise.then(
      (value) => {
        signal.removeEventListener('abort', abort)
        resolve(value)
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort)
        reject(error)
      },
    )
  })
}

const ABORTED = (): Error => Object.assign(new Error('the client is closing'), { code: 'ABORT_ERR' })

const ADVICE: Partial<Record<DropReason, string>> = {
  unauthorized: 'Check that the credential issues tokens for the scope shown and the right tenant.',
  forbidden:
    'Grant the identity "Monitoring Metrics Publisher" on the data collection rule; a new role assignment can take up to 30 minutes to apply.',
  'not-found': 'Check ruleId (the DCR immutable id), streamName (a stream declared in the DCR) and the endpoint.',
  rejected: 'The service refused these records as malformed; check them against the DCR stream declaration.',
  'record-too-large': 'Shorten the record (large columns are cut at maxFieldBytes; many columns add up).',
  'auth-failed': 'The credential could not get a token; see the cause.',
  'buffer-full': 'Records arrive faster than they can be sent; raise maxBufferBytes/maxBufferRecords or concurrency.',
}

interface DropInfo {
  status?: number | undefined
  errorCode?: string | undefined
  clientRequestId?: string | undefined
  retriable?: boolean | undefined
  detail?: string | undefined
  cause?: unknown
}

interface FlushWaiter {
  target: number
  resolve: () => void
}

/** Coalesce overflow drops into one `onDrop` call per tick, but never hold more than this many. */
const OVERFLOW_REPORT_CHUNK = 1000

class Client implements LogsIngestionClient {
  private readonly _o: ResolvedOptions
  private readonly _now: () => number
  private readonly _random: () => number
  private readonly _sleep: (ms: number, signal: AbortSignal) => Promise<void>
  private readonly _uuid: () => string
  private readonly _transport: IngestionTransport
  private readonly _tokens: TokenCache
  private readonly _buffer: BoundedBuffer
  private readonly _stats = new StatsCounter()
  private readonly _packLimits: PackLimits
  private readonly _policy: RetryPolicyOptions
  private readonly _serializeOptions: { maxFieldBytes: number; truncationMarker: string; extractTime: boolean }
  private readonly _url: URL
  private readonly _userAgent: string
  /** Aborted when close() gives up waiting: in-flight requests and backoff sleeps end. */
  private readonly _shutdown = new AbortController()

  private _seq = 0
  private _sealTarget = 0
  private _open: BodyBuilder | undefined
  /** A body being finished across an await: its records are in neither `_open` nor `_ready`. */
  private _sealing: BodyBuilder | undefined
  /** The entry being added to the open body across an await. */
  private _packing: Entry | undefined
  private readonly _ready: { body: PackedBody; batch: Batch }[] = []
  private readonly _batches = new Set<Batch>()
  private _inFlightRecords = 0
  private _activeSends = 0
  private _pumpScheduled = false
  private _pumping = false
  private _pumpAgain = false
  private _linger: NodeJS.Timeout | undefined
  private _flushWaiters: FlushWaiter[] = []
  private _spaceWaiters: ((ok: boolean) => void)[] = []
  private _overflow: Entry[] = []
  private _overflowScheduled = false
  private _forbiddenSince: number | undefined
  private _closing: Promise<FlushResult> | undefined

  constructor(options: LogsIngestionClientOptions, deps: ClientDeps) {
    this._o = resolveOptions(options, deps.env ?? process.env)
    const o = this._o
    checkOptionNames(options, CORE_OPTION_NAME_SET, {
      component: 'createLogsIngestionClient()',
      strict: o.strictOptions,
      ...(deps.emitWarning ? { emitWarning: deps.emitWarning } : {}),
    })
    this._now = deps.now ?? Date.now
    this._random = deps.random ?? Math.random
    this._sleep = deps.sleep ?? sleepUnref
    this._uuid = deps.randomUUID ?? randomUUID
    const prefix = o.endpoint.pathname.replace(/\/+$/, '')
    this._url = new URL(
      `${o.endpoint.origin}${prefix}/dataCollectionRules/${encodeURIComponent(o.ruleId)}/streams/${encodeURIComponent(o.streamName)}?api-version=2023-01-01`,
    )
    this._userAgent = o.userAgentSuffix ? `${USER_AGENT_BASE} ${o.userAgentSuffix}` : USER_AGENT_BASE
    this._transport =
      deps.transport ??
      createHttpsTransport({
        url: this._url,
        concurrency: o.concurrency,
        connectTimeoutMs: o.connectTimeoutMs,
        requestTimeoutMs: o.requestTimeoutMs,
        ca: o.ca,
        extraCaFile: o.extraCaFile,
        proxy: o.proxy,
      })
    const credential: TokenCredential =
      typeof (o.credential as TokenCredential).getToken === 'function'
        ? (o.credential as TokenCredential)
        : credentialFromConfig(o.credential as Exclude<ResolvedOptions['credential'], TokenCredential>, {
            disableInstanceDiscovery: o.disableInstanceDiscovery,
          })
    this._tokens = new TokenCache(credential, o.scope, {
      refreshMarginMs: o.tokenRefreshMarginMs,
      now: this._now,
      onRefresh: (info) => {
        publish('token', () => info)
        debug(
          () =>
            `token refreshed${info.background ? ' in the background' : ''}, expires ${new Date(info.expiresOnTimestamp).toISOString()}`,
        )
      },
      onRefreshError: (error) => debug(() => `background token refresh failed: ${messageOf(error)}`),
    })
    this._buffer = new BoundedBuffer({
      maxBytes: o.maxBufferBytes,
      maxRecords: o.maxBufferRecords,
      overflow: o.overflow,
    })
    this._packLimits = {
      maxRequestBytes: o.maxRequestBytes,
      maxUncompressedBytes: o.maxUncompressedBytes,
      maxRecordsPerRequest: o.maxRecordsPerRequest,
      maxTimeSpanMs: o.maxTimeSpanMs,
      compression: o.compression,
      compressionLevel: o.compressionLevel,
    }
    this._policy = {
      maxRetryTimeMs: o.maxRetryTimeMs,
      initialDelayMs: o.initialDelayMs,
      maxDelayMs: o.maxDelayMs,
      forbiddenRetryMs: o.forbiddenRetryMs,
    }
    this._serializeOptions = {
      maxFieldBytes: o.maxFieldBytes,
      truncationMarker: o.truncationMarker,
      extractTime: o.maxTimeSpanMs > 0,
    }
    for (const message of o.warnings) {
      publish('warning', () => ({ message }))
      debug(() => `warning: ${message}`)
    }
    debug(
      () =>
        `client for ${this._url.origin} rule ${o.ruleId} stream ${o.streamName}, scope ${o.scope}${o.proxy ? `, proxy ${o.proxy.host}` : ''}`,
    )
  }

  get closed(): boolean {
    return this._closing !== undefined
  }

  get options(): Readonly<ResolvedOptions> {
    return this._o
  }

  reportDrop(drop: ReportDropOptions): void {
    try {
      this._report(drop.reason ?? 'invalid-record', drop.records.map(serializeValue), {
        detail: drop.detail,
        retriable: false,
        cause: drop.cause,
      })
    } catch (error) {
      debug(() => `reportDrop failed: ${messageOf(error)}`)
    }
  }

  // ---- push: the hot path; synchronous, never throws ----

  push(record: LogColumns): boolean {
    try {
      return this._push(record)
    } catch (error) {
      // a bug of ours must not crash the host either; report what we can
      this._drop('invalid-record', [], {
        detail: `unexpected error while accepting a record: ${messageOf(error)}`,
        cause: error,
      })
      return false
    }
  }

  private _push(record: LogColumns): boolean {
    if (this._closing !== undefined) {
      this._dropJson(
        'closed',
        [serializeValue(record)],
        'the client is closed; records pushed after close() are not sent',
      )
      return false
    }
    const r = serializeRecord(record, this._serializeOptions)
    if (!r.ok) {
      this._dropJson('invalid-record', [serializeValue(record)], r.message)
      return false
    }
    if (
      r.bytes + 2 > this._o.maxUncompressedBytes ||
      (this._o.compression === 'none' && r.bytes + 2 > this._o.maxRequestBytes)
    ) {
      this._dropJson('record-too-large', [r.json], `one record is ${r.bytes} bytes, more than a request may carry`)
      return false
    }
    const entry: Entry =
      r.time === undefined
        ? { json: r.json, bytes: r.bytes, seq: this._seq + 1 }
        : { json: r.json, bytes: r.bytes, seq: this._seq + 1, time: r.time }
    const added = this._buffer.add(entry)
    if (!added.added) {
      this._overflowDrop([entry])
      return false
    }
    this._seq++
    this._stats.accepted++
    if (added.evicted.length > 0) this._overflowDrop(added.evicted)
    this._armLinger()
    this._schedulePump()
    return true
  }

  private _armLinger(): void {
    if (this._linger !== undefined) return
    this._linger = setTimeout(() => {
      this._linger = undefined
      this._sealTarget = Math.max(this._sealTarget, this._seq)
      this._schedulePump()
    }, this._o.lingerMs)
    this._linger.unref()
  }

  // ---- the pump: buffer → bodies → sends ----

  private _schedulePump(): void {
    if (this._pumping) {
      this._pumpAgain = true
      return
    }
    if (this._pumpScheduled) return
    this._pumpScheduled = true
    // off the caller's stack: push() only serialises and enqueues
    setImmediate(() => {
      this._pumpScheduled = false
      void this._pump()
    })
  }

  private async _pump(): Promise<void> {
    if (this._pumping) return
    this._pumping = true
    try {
      do {
        this._pumpAgain = false
        await this._pumpOnce()
      } while (this._pumpAgain && !this._shutdown.signal.aborted)
    } catch (error) {
      // zlib failed (out of memory?): report what the broken body held rather than lose it silently
      debug(() => `packer failure: ${messageOf(error)}`)
      const lost = [...(this._open?.discard() ?? []), ...(this._sealing?.discard() ?? [])]
      this._open = undefined
      this._sealing = undefined
      if (this._packing !== undefined) lost.push(this._packing)
      this._packing = undefined
      for (const e of lost) this._buffer.release(e.bytes, 1)
      this._drop('http-error', lost, { detail: `compression failed: ${messageOf(error)}`, cause: error })
    } finally {
      this._pumping = false
      this._notify()
    }
  }

  private async _pumpOnce(): Promise<void> {
    for (;;) {
      if (this._shutdown.signal.aborted) return
      this._startSends()
      // one body prepared ahead of the free slots is enough; the rest waits in the bounded buffer
      if (this._ready.length > 0) return
      const head = this._buffer.peek()
      const open = this._open
      if (
        open !== undefined &&
        open.first !== undefined &&
        open.first.seq <= this._sealTarget &&
        (head === undefined || head.seq > this._sealTarget)
      ) {
        await this._seal(false)
        continue
      }
      if (head === undefined) return
      const entry = this._buffer.shift()!
      this._packing = entry
      this._buffer.reserve(entry.bytes, 1)
      this._open ??= new BodyBuilder(this._packLimits)
      const builder = this._open
      let outcome: 'added' | 'full' | 'too-large'
      try {
        outcome = await addEntry(builder, entry)
      } finally {
        this._packing = undefined
      }
      if (outcome === 'added') {
        if (builder.count >= this._o.maxRecordsPerRequest) await this._seal(false)
        continue
      }
      this._buffer.release(entry.bytes, 1)
      if (outcome === 'full') {
        this._buffer.unshift(entry)
        await this._seal(builder.isFull)
        continue
      }
      // too large even alone: the builder holds only this record
      builder.discard()
      this._open = undefined
      this._drop('record-too-large', [entry], {
        detail: `one record of ${entry.bytes} bytes does not fit in ${this._o.maxRequestBytes} bytes even compressed`,
      })
    }
  }

  private async _seal(full: boolean): Promise<void> {
    const builder = this._open
    if (builder === undefined) return
    this._open = undefined
    this._sealing = builder
    const body = await builder.finish(full)
    const batch: Batch = { minSeq: body.entries[0]!.seq, remaining: body.entries.length }
    this._batches.add(batch)
    this._ready.push({ body, batch })
    this._sealing = undefined
  }

  private _startSends(): void {
    while (this._ready.length > 0 && this._activeSends < this._o.concurrency && !this._shutdown.signal.aborted) {
      const { body, batch } = this._ready.shift()!
      this._activeSends++
      this._buffer.release(body.rawBytes - body.entries.length - 1, body.entries.length)
      this._inFlightRecords += body.entries.length
      void this._deliver(body, batch)
    }
  }

  private async _deliver(body: PackedBody, batch: Batch): Promise<void> {
    try {
      await this._sendBody(body, batch, { bisectRequests: this._o.maxBisectRequests })
    } catch (error) {
      // not expected: every path below settles its records; keep the promise that nothing is lost silently
      if (batch.remaining > 0) this._settle(batch, body.entries.length)
      this._drop('http-error', [...body.entries], {
        detail: `internal error while sending: ${messageOf(error)}`,
        cause: error,
      })
    } finally {
      this._batches.delete(batch)
      this._activeSends--
      this._schedulePump()
      this._notify()
    }
  }

  private _settle(batch: Batch, records: number): void {
    batch.remaining -= records
    this._inFlightRecords -= records
  }

  /** Sends one body until it is delivered, split, or dropped. Settles exactly `body.entries` in `batch`. */
  private async _sendBody(body: PackedBody, batch: Batch, budget: { bisectRequests: number }): Promise<void> {
    const entries = body.entries
    const clientRequestId = this._uuid()
    const started = this._now()
    const signal = this._shutdown.signal
    let attempt = 0
    let refreshed = false
    let last: {
      status?: number | undefined
      errorCode?: string | undefined
      detail?: string | undefined
      cause?: unknown
      retryAfterMs?: number | undefined
    } = {}

    if (body.payload.length > this._o.maxRequestBytes) {
      // the packer's bound should make this impossible; if zlib ever surprises us, split instead of sending a 413
      debug(() => `body of ${body.payload.length} bytes exceeds maxRequestBytes; splitting`)
      return this._split(entries, batch, budget, 'record-too-large', { clientRequestId })
    }

    for (;;) {
      attempt++
      if (signal.aborted) {
        this._settle(batch, entries.length)
        this._drop('shutdown-timeout', entries, {
          ...last,
          clientRequestId,
          retriable: true,
          detail: `close() deadline reached after ${attempt - 1} attempt(s)`,
        })
        return
      }
      let outcome: AttemptOutcome
      let token: string | undefined
      const attemptStart = this._now()
      try {
        token = await abortable(this._tokens.get(signal), signal, () => {
          throw ABORTED()
        })
      } catch (error) {
        outcome = { kind: 'auth', error }
      }
      if (token !== undefined) {
        const headers: Record<string, string> = {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          accept: 'application/json',
          'user-agent': this._userAgent,
          'x-ms-client-request-id': clientRequestId,
        }
        if (body.encoding === 'gzip') headers['content-encoding'] = 'gzip'
        outcome = await abortable(this._transport.send({ body: body.payload, headers, signal }), signal, () => ({
          kind: 'network' as const,
          code: 'ABORT_ERR',
          message: 'the client is closing',
        }))
        const status = outcome.kind === 'response' ? outcome.status : outcome.code
        this._stats.request(status)
        const errorCode =
          outcome.kind === 'response' && outcome.status >= 300
            ? azureErrorCode(outcome.headers, outcome.body)
            : undefined
        publish('request', () => ({
          clientRequestId,
          attempt,
          records: entries.length,
          sentBytes: body.payload.length,
          rawBytes: body.rawBytes,
          status,
          errorCode,
          durationMs: this._now() - attemptStart,
        }))
        debug(
          () =>
            `POST ${entries.length} records, ${body.payload.length} bytes (${body.rawBytes} raw) → ${status}${errorCode ? ` ${errorCode}` : ''} [${clientRequestId} #${attempt}]`,
        )
      }
      outcome ??= { kind: 'auth', error: new Error('no token') }

      if (outcome.kind === 'response') {
        const status = outcome.status
        if (status === 403) this._forbiddenSince ??= this._now()
        else if (status >= 200 && status < 300) this._forbiddenSince = undefined
        const errorCode = status >= 300 ? azureErrorCode(outcome.headers, outcome.body) : undefined
        const message = status >= 300 ? azureErrorMessage(outcome.body) : undefined
        last = { status, errorCode, detail: message ?? (outcome.body.trim().slice(0, 200) || undefined) }
      } else if (outcome.kind === 'network') {
        last = { status: undefined, errorCode: outcome.code, detail: outcome.message }
      } else {
        last = { status: undefined, errorCode: undefined, detail: messageOf(outcome.error), cause: outcome.error }
      }

      const decision = decide(
        outcome,
        {
          attempt,
          elapsedMs: this._now() - started,
          refreshedToken: refreshed,
          forbiddenForMs: this._forbiddenSince === undefined ? undefined : this._now() - this._forbiddenSince,
          now: this._now(),
          random: this._random(),
        },
        this._policy,
      )

      switch (decision.action) {
        case 'success': {
          this._settle(batch, entries.length)
          const fill = body.full ? body.payload.length / this._o.maxRequestBytes : undefined
          this._stats.deliver(entries.length, body.rawBytes, body.payload.length, fill)
          return
        }
        case 'refresh-token':
          refreshed = true
          if (token !== undefined) {
            this._tokens.invalidate(
              token,
              outcome.kind === 'response' ? claimsFor401(outcome.headers, this._now()) : undefined,
            )
          }
          this._stats.retried += entries.length
          continue
        case 'retry': {
          if (decision.code === 'FORBIDDEN' && attempt === 1)
            this._warnConfig(last.status, last.errorCode, clientRequestId)
          last.retryAfterMs = decision.retryAfterMs
          this._stats.retried += entries.length
          publish('retry', () => ({
            clientRequestId,
            attempt,
            records: entries.length,
            delayMs: decision.delayMs,
            code: decision.code,
            status: last.status ?? last.errorCode,
          }))
          debug(
            () =>
              `retrying ${entries.length} records in ${decision.delayMs} ms (${decision.code}${last.status ? ` ${last.status}` : ''}) [${clientRequestId}]`,
          )
          await this._sleep(decision.delayMs, signal)
          continue
        }
        case 'split':
          return this._split(entries, batch, budget, 'record-too-large', { ...last, clientRequestId })
        case 'bisect':
          if (entries.length > 1 && budget.bisectRequests >= 2) {
            budget.bisectRequests -= 2
            return this._split(entries, batch, budget, 'rejected', { ...last, clientRequestId })
          }
          this._settle(batch, entries.length)
          this._drop('rejected', entries, {
            ...last,
            clientRequestId,
            retriable: false,
            detail: `${last.detail ?? 'HTTP 400'}${entries.length > 1 ? ` (bisection budget of ${this._o.maxBisectRequests} requests used up; these ${entries.length} records were not isolated further)` : ''}`,
          })
          return
        case 'drop': {
          this._settle(batch, entries.length)
          if (decision.reason === 'forbidden' || decision.reason === 'not-found')
            this._warnConfig(last.status, last.errorCode, clientRequestId)
          const elapsed = Math.round((this._now() - started) / 100) / 10
          const retryAfter =
            last.retryAfterMs !== undefined ? `; last Retry-After ${Math.round(last.retryAfterMs / 100) / 10} s` : ''
          this._drop(decision.reason, entries, {
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

  /** Halves (413, or 400 bisection), re-packed and sent one after another; a single record is dropped. */
  private async _split(
    entries: readonly Entry[],
    batch: Batch,
    budget: { bisectRequests: number },
    singleReason: 'record-too-large' | 'rejected',
    info: DropInfo,
  ): Promise<void> {
    if (entries.length <= 1) {
      this._settle(batch, entries.length)
      this._drop(singleReason, entries, {
        ...info,
        retriable: false,
        detail: info.detail ?? `HTTP ${info.status ?? ''}`,
      })
      return
    }
    const middle = Math.ceil(entries.length / 2)
    for (const half of [entries.slice(0, middle), entries.slice(middle)]) {
      const { bodies, tooLarge } = await packEntries(half, this._packLimits)
      if (tooLarge.length > 0) {
        this._settle(batch, tooLarge.length)
        this._drop('record-too-large', tooLarge, { ...info, retriable: false })
      }
      for (const body of bodies) {
        // a body that came back whole (413 with room to spare) must not loop: halve it directly
        if (bodies.length === 1 && body.entries.length === entries.length)
          await this._split(body.entries, batch, budget, singleReason, info)
        else await this._sendBody(body, batch, budget)
      }
    }
  }

  private _warnConfig(status: number | undefined, errorCode: string | undefined, clientRequestId: string): void {
    const message =
      status === 403
        ? `403 ${errorCode ?? ''} from ${this._url.host}: the identity may not ingest into rule ${this._o.ruleId}. ${ADVICE.forbidden} Retrying for up to ${this._o.forbiddenRetryMs} ms (forbiddenRetryMs). [${clientRequestId}]`
        : `${status ?? ''} ${errorCode ?? ''} from ${this._url.host}: ${ADVICE['not-found']} [${clientRequestId}]`
    publish('warning', () => ({ message }))
    debug(() => message)
    this._stats.error(message, errorCode, status, new Date(this._now()))
  }

  // ---- drops ----

  private _overflowDrop(entries: readonly Entry[]): void {
    this._overflow.push(...entries)
    if (this._overflow.length >= OVERFLOW_REPORT_CHUNK) {
      this._reportOverflow()
      return
    }
    if (this._overflowScheduled) return
    this._overflowScheduled = true
    queueMicrotask(() => this._reportOverflow())
  }

  private _reportOverflow(): void {
    this._overflowScheduled = false
    const entries = this._overflow
    if (entries.length === 0) return
    this._overflow = []
    this._drop('buffer-full', entries, {
      retriable: true,
      detail: `the buffer is full (maxBufferRecords ${this._o.maxBufferRecords}, maxBufferBytes ${this._o.maxBufferBytes}, overflow "${this._o.overflow}")`,
    })
  }

  private _dropJson(reason: DropReason, records: string[], detail: string): void {
    this._report(reason, records, { detail, retriable: false })
  }

  private _drop(reason: DropReason, entries: readonly Entry[], info: DropInfo): void {
    this._report(
      reason,
      entries.map((e) => e.json),
      info,
    )
    this._notify()
  }

  private _report(reason: DropReason, records: string[], info: DropInfo): void {
    const count = records.length
    this._stats.drop(reason, count)
    const advice = ADVICE[reason]
    const message = `${count} record(s) dropped (${reason})${info.detail ? `: ${info.detail}` : ''}${advice ? `. ${advice}` : ''}${info.clientRequestId ? ` [x-ms-client-request-id ${info.clientRequestId}]` : ''}`
    const error = new LogsIngestionError(DROP_REASON_CODES[reason], message, {
      status: info.status,
      errorCode: info.errorCode,
      clientRequestId: info.clientRequestId,
      records: count,
      retriable: info.retriable ?? false,
      cause: info.cause,
    })
    this._stats.error(message, error.code, info.status, new Date(this._now()))
    publish('drop', () => ({
      reason,
      records: count,
      status: info.status,
      errorCode: info.errorCode,
      clientRequestId: info.clientRequestId,
      message,
    }))
    debug(() => message)
    const onDrop = this._o.onDrop
    if (onDrop === undefined) return
    const event: Parameters<typeof onDrop>[0] = { reason, records, retriable: info.retriable ?? false, error }
    if (info.status !== undefined) event.status = info.status
    if (info.errorCode !== undefined) event.errorCode = info.errorCode
    if (info.clientRequestId !== undefined) event.clientRequestId = info.clientRequestId
    try {
      onDrop(event)
    } catch (e) {
      debug(() => `onDrop threw (ignored): ${messageOf(e)}`)
    }
  }

  // ---- flush, close, waits ----

  private _queuedRecords(): number {
    let ready = 0
    for (const r of this._ready) ready += r.batch.remaining
    const building = (this._open?.count ?? 0) + (this._sealing?.count ?? 0)
    return this._buffer.length + building + (this._packing ? 1 : 0) + ready
  }

  private _pendingRecords(): number {
    return this._queuedRecords() + this._inFlightRecords
  }

  /** True when every record with seq ≤ target is delivered or dropped. */
  private _settledUpTo(target: number): boolean {
    const head = this._packing ?? this._buffer.peek()
    if (head !== undefined && head.seq <= target) return false
    const open = this._open?.first
    if (open !== undefined && open.seq <= target) return false
    const sealing = this._sealing?.first
    if (sealing !== undefined && sealing.seq <= target) return false
    for (const batch of this._batches) if (batch.remaining > 0 && batch.minSeq <= target) return false
    return true
  }

  private _notify(): void {
    if (this._flushWaiters.length > 0) {
      const waiting: FlushWaiter[] = []
      for (const w of this._flushWaiters) {
        if (this._settledUpTo(w.target)) w.resolve()
        else waiting.push(w)
      }
      this._flushWaiters = waiting
    }
    if (this._spaceWaiters.length > 0 && this._buffer.hasRoom()) {
      const waiters = this._spaceWaiters
      this._spaceWaiters = []
      for (const w of waiters) w(true)
    }
  }

  async flush(options: FlushOptions = {}): Promise<FlushResult> {
    const target = this._seq
    this._sealTarget = Math.max(this._sealTarget, target)
    this._reportOverflow()
    this._schedulePump()
    if (!this._settledUpTo(target)) {
      await new Promise<void>((resolve) => {
        let timer: NodeJS.Timeout | undefined
        const done = () => {
          if (timer) clearTimeout(timer)
          options.signal?.removeEventListener('abort', done)
          this._flushWaiters = this._flushWaiters.filter((w) => w !== waiter)
          resolve()
        }
        const waiter: FlushWaiter = { target, resolve: done }
        this._flushWaiters.push(waiter)
        // a referenced timer: while someone awaits flush()/close(), unref'd backoff sleeps and linger must not
        // let the process exit under them (a top-level `await client.close()` would otherwise end unsettled)
        timer = setTimeout(done, options.timeoutMs === undefined ? 2 ** 31 - 1 : Math.max(0, options.timeoutMs))
        if (options.signal?.aborted) done()
        else options.signal?.addEventListener('abort', done, { once: true })
      })
    }
    return { settled: this._settledUpTo(target), pending: this._pendingRecords() }
  }

  waitForSpace(options: WaitForSpaceOptions = {}): Promise<boolean> {
    if (this._closing !== undefined) return Promise.resolve(false)
    if (this._buffer.hasRoom()) return Promise.resolve(true)
    this._schedulePump()
    return new Promise<boolean>((resolve) => {
      let timer: NodeJS.Timeout | undefined
      const finish = (ok: boolean) => {
        if (timer) clearTimeout(timer)
        options.signal?.removeEventListener('abort', onAbort)
        this._spaceWaiters = this._spaceWaiters.filter((w) => w !== finish)
        resolve(ok)
      }
      const onAbort = () => finish(false)
      this._spaceWaiters.push(finish)
      // referenced while awaited, like flush()
      timer = setTimeout(
        () => finish(false),
        options.timeoutMs === undefined ? 2 ** 31 - 1 : Math.max(0, options.timeoutMs),
      )
      if (options.signal?.aborted) finish(false)
      else options.signal?.addEventListener('abort', onAbort, { once: true })
    })
  }

  close(options: CloseOptions = {}): Promise<FlushResult> {
    this._closing ??= this._close(options.timeoutMs ?? this._o.closeTimeoutMs)
    return this._closing
  }

  private async _close(timeoutMs: number): Promise<FlushResult> {
    // `closed` is already true: later pushes are reported as 'closed'
    const result = await this.flush({ timeoutMs })
    this._shutdown.abort()
    if (this._linger !== undefined) clearTimeout(this._linger)
    this._linger = undefined
    for (const w of this._spaceWaiters.splice(0)) w(false)
    // in-flight requests and sleeps end at once on abort; each then reports its records
    if (this._activeSends > 0 || this._pumping) {
      await new Promise<void>((resolve) => {
        const check = () => (this._activeSends === 0 && !this._pumping ? resolve() : setTimeout(check, 5).unref())
        check()
      })
    }
    const leftovers: Entry[] = []
    if (this._open !== undefined) leftovers.push(...this._open.discard())
    this._open = undefined
    for (const r of this._ready.splice(0)) {
      leftovers.push(...r.body.entries)
      this._batches.delete(r.batch)
    }
    // records in the open and ready bodies were reserved against the buffer's limits
    for (const e of leftovers) this._buffer.release(e.bytes, 1)
    leftovers.push(...this._buffer.drain())
    if (leftovers.length > 0) {
      this._drop('shutdown-timeout', leftovers, {
        retriable: true,
        detail: `still queued when close() reached its ${timeoutMs} ms deadline`,
      })
    }
    this._reportOverflow()
    this._transport.close()
    this._notify()
    return { settled: result.settled, pending: this._pendingRecords() }
  }

  stats(): LogsIngestionStats {
    return this._stats.snapshot(this._queuedRecords(), this._inFlightRecords, this._buffer.totalBytes)
  }
}

/**
 * Creates a client that batches, compresses and sends records to one DCR stream. Throws
 * `LogsIngestionError` (`INVALID_OPTIONS`) for invalid options; after that, nothing it does throws into
 * the host: undelivered records go to `onDrop` and `stats()`.
 */
export const createLogsIngestionClient = (
  options: LogsIngestionClientOptions = {},
  deps: ClientDeps = {},
): LogsIngestionClient => new Client(options, deps)
