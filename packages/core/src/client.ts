/**
 * `createLogsIngestionClient()`: the one place the parts are composed.
 * push → serialise once → bounded queue → pipeline (pieces deflated in parallel, bodies ≤ maxRequestBytes as
 * sent) → delivery (token cache, retry policy, split/bisect) → HTTPS transport. Drops go to one reporter.
 */
import { randomUUID } from 'node:crypto'
import packageJson from '../package.json' with { type: 'json' }
import { credentialFromConfig } from './auth/credential-config.js'
import { TokenCache } from './auth/token-cache.js'
import { Delivery, sleepUnref } from './delivery.js'
import { debug, publish } from './diagnostics.js'
import { DropReporter } from './drops.js'
import { messageOf } from './errors.js'
import { createHttpsTransport } from './http/https-transport.js'
import type { IngestionTransport } from './http/transport.js'
import { checkOptionNames } from './option-names.js'
import { CORE_OPTION_NAMES, type Env, type LogsIngestionClientOptions, type ResolvedOptions } from './options.js'
import type { PackOptions } from './packer.js'
import { Pipeline } from './pipeline.js'
import { RecordQueue } from './record-queue.js'
import { resolveOptions } from './resolve-options.js'
import { RoutingClient } from './routing/routing-client.js'
import { type SerializeOptions, serializeRecord, serializeValue } from './serialize.js'
import { loadStreamDeclaration } from './shaping/load-declaration.js'
import { createRecordShaper, type RecordShaper } from './shaping/record-shaper.js'
import { openSpool } from './spool/attach.js'
import { KeepingDropReporter } from './spool/keeping-drops.js'
import type { Spool } from './spool/spool.js'
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
import { Waiters } from './waiters.js'

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
  /** Defaults to `process.emitWarning` (unknown option names, undeclared fields). */
  emitWarning?: (message: string, options: { code: string; type: string }) => void
}

const CORE_OPTION_NAME_SET: ReadonlySet<string> = new Set(CORE_OPTION_NAMES)

const USER_AGENT_BASE = `dcr-logs-core/${packageJson.version} Node.js/${process.versions.node} (${process.platform}; ${process.arch})`

/**
 * Pieces deflated at once: libuv's default thread pool of 4, whatever the number of cores. What limits
 * compression during a burst is not CPU but turns of the event loop: each piece's result waits for one, and while
 * the app logs, a turn lasts as long as the app's synchronous work. With one piece per core on two cores (then
 * smaller, and two turns each), a 300,000-record burst left 60 MB waiting to be compressed and delivered after the
 * app was done; with 4 delivery keeps up with the burst.
 */
const COMPRESSION_PARALLELISM = 4

class Client implements LogsIngestionClient {
  private readonly _o: ResolvedOptions
  private readonly _now: () => number
  private readonly _transport: IngestionTransport
  private readonly _stats = new StatsCounter()
  private readonly _drops: DropReporter
  private readonly _queue: RecordQueue
  private readonly _delivery: Delivery
  private readonly _pipeline: Pipeline
  private readonly _waiters = new Waiters()
  private readonly _serializeOptions: SerializeOptions
  /** The durable spool, when `spool` is on. */
  private readonly _spool: Spool | undefined
  /** Preset mapping and stream declaration check; undefined (and free) without `preset` and `streamDeclaration`. */
  private readonly _shaper: RecordShaper | undefined
  /** Aborted when close() gives up waiting: in-flight requests and backoff sleeps end. */
  private readonly _shutdown = new AbortController()
  /** Seq of the last accepted record (the queue numbers records from 1). */
  private _seq = 0
  private _pumpScheduled = false
  private _linger: NodeJS.Timeout | undefined
  private _closing: Promise<FlushResult> | undefined

  /** @param route - the route this client serves in a routing client, for messages */
  constructor(options: LogsIngestionClientOptions, deps: ClientDeps, route?: string) {
    this._o = resolveOptions(options, deps.env ?? process.env)
    const o = this._o
    this._shaper = createRecordShaper({
      preset: o.preset,
      presetOptions: o.presetOptions,
      declaration: o.conform === 'off' ? undefined : loadStreamDeclaration(o, o.streamName),
      conform: o.conform,
      target: route === undefined ? `stream ${o.streamName}` : `route "${route}" (stream ${o.streamName})`,
      emitWarning: deps.emitWarning,
    })
    checkOptionNames(options, CORE_OPTION_NAME_SET, {
      component: 'createLogsIngestionClient()',
      strict: o.strictOptions,
      ...(deps.emitWarning ? { emitWarning: deps.emitWarning } : {}),
    })
    this._now = deps.now ?? Date.now
    const prefix = o.endpoint.pathname.replace(/\/+$/, '')
    const url = new URL(
      `${o.endpoint.origin}${prefix}/dataCollectionRules/${encodeURIComponent(o.ruleId)}/streams/${encodeURIComponent(o.streamName)}?api-version=2023-01-01`,
    )
    this._transport =
      deps.transport ??
      createHttpsTransport({
        url,
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
    const tokens = new TokenCache(credential, o.scope, {
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
    this._drops = new (o.spool ? KeepingDropReporter : DropReporter)(
      this._stats,
      o.onDrop,
      this._now,
      `maxBufferRecords ${o.maxBufferRecords}, maxBufferBytes ${o.maxBufferBytes}, overflow "${o.overflow}"`,
    )
    this._queue = new RecordQueue(
      { maxChars: o.maxBufferBytes, maxRecords: o.maxBufferRecords, overflow: o.overflow },
      o.maxTimeSpanMs > 0,
    )
    const pack: PackOptions = {
      maxRequestBytes: o.maxRequestBytes,
      maxUncompressedBytes: o.maxUncompressedBytes,
      maxRecordsPerRequest: o.maxRecordsPerRequest,
      maxTimeSpanMs: o.maxTimeSpanMs,
      compression: o.compression,
      compressionLevel: o.compressionLevel,
      // splits and bisections re-pack with pieces of about this size
      pieceChars: 64 * 1024,
    }
    this._delivery = new Delivery(
      {
        url,
        userAgent: o.userAgentSuffix ? `${USER_AGENT_BASE} ${o.userAgentSuffix}` : USER_AGENT_BASE,
        ruleId: o.ruleId,
        maxRequestBytes: o.maxRequestBytes,
        maxBisectRequests: o.maxBisectRequests,
        forbiddenRetryMs: o.forbiddenRetryMs,
        policy: {
          maxRetryTimeMs: o.maxRetryTimeMs,
          initialDelayMs: o.initialDelayMs,
          maxDelayMs: o.maxDelayMs,
          forbiddenRetryMs: o.forbiddenRetryMs,
        },
        pack,
      },
      {
        transport: this._transport,
        tokens,
        stats: this._stats,
        drops: this._drops,
        shutdown: this._shutdown.signal,
        now: this._now,
        random: deps.random ?? Math.random,
        sleep: deps.sleep ?? sleepUnref,
        uuid: deps.randomUUID ?? randomUUID,
      },
    )
    this._pipeline = new Pipeline(
      this._queue,
      { pack, concurrency: o.concurrency, parallelism: COMPRESSION_PARALLELISM },
      this._delivery,
      this._drops,
      () => {
        this._waiters.notify()
        this._spool?.advance()
      },
    )
    this._spool = o.spool
      ? openSpool(o.spool, {
          queue: this._queue,
          pipeline: this._pipeline,
          drops: this._drops as KeepingDropReporter,
          stats: this._stats,
          now: this._now,
          seq: () => this._seq,
          added: (count) => {
            this._seq += count
            this._armLinger()
            this._schedulePump()
          },
          notify: () => this._waiters.notify(),
          enqueue: (json, time) => this._enqueue(json, time),
        })
      : undefined
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
        `client for ${url.origin} rule ${o.ruleId} stream ${o.streamName}, scope ${o.scope}${o.proxy ? `, proxy ${o.proxy.host}` : ''}`,
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
      this._drops.report(drop.reason ?? 'invalid-record', drop.records.map(serializeValue), {
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
      this._drops.report('invalid-record', [serializeValue(record)], {
        detail: `unexpected error while accepting a record: ${messageOf(error)}`,
        cause: error,
      })
      return false
    }
  }

  private _push(record: LogColumns): boolean {
    if (this._closing !== undefined) {
      this._refuse('closed', record, 'the client is closed; records pushed after close() are not sent')
      return false
    }
    const r = serializeRecord(this._shaper === undefined ? record : this._shaper.shape(record), this._serializeOptions)
    if (!r.ok) {
      this._refuse('invalid-record', record, r.message)
      return false
    }
    const json = r.json
    if (this._tooLarge(json)) {
      this._drops.report('record-too-large', [json], {
        detail: `one record is ${Buffer.byteLength(json)} bytes of JSON, more than a request may carry`,
      })
      return false
    }
    const time = r.time ?? Number.NaN
    if (this._spool?.accept(json, time, this._queue.hasRoom(json.length), this._seq + 1) === 'spilled') {
      // on disk only, read back when memory has room
      this._stats.accepted++
      return true
    }
    if (!this._enqueue(json, time)) return false
    this._stats.accepted++
    return true
  }

  /** Queues a serialised record under the overflow policy (false: refused, and reported). */
  private _enqueue(json: string, time: number): boolean {
    // drop-oldest: pieces cut but not yet compressing hold older records than the queue, so they go first
    if (this._o.overflow === 'drop-oldest')
      while (!this._queue.hasRoom(json.length) && this._pipeline.evictOldestWaiting()) {}
    const added = this._queue.add(json, time)
    if (!added.added) {
      this._drops.overflow([json])
      return false
    }
    this._seq++
    if (added.evicted !== undefined) this._drops.overflow(added.evicted.jsons)
    this._armLinger()
    this._schedulePump()
    return true
  }

  private _refuse(reason: DropReason, record: unknown, detail: string): void {
    this._drops.report(reason, [serializeValue(record)], { detail, retriable: false })
  }

  /** A record that no request could carry, even alone (the cheap bound first: UTF-8 is ≤ 3 bytes per unit). */
  private _tooLarge(json: string): boolean {
    const o = this._o
    const cap = o.compression === 'none' ? Math.min(o.maxUncompressedBytes, o.maxRequestBytes) : o.maxUncompressedBytes
    return json.length * 3 + 2 > cap && Buffer.byteLength(json) + 2 > cap
  }

  private _armLinger(): void {
    if (this._linger !== undefined) return
    this._linger = setTimeout(() => {
      this._linger = undefined
      this._pipeline.sealUpTo(this._seq)
      this._pump()
    }, this._o.lingerMs)
    // a logger must never keep a process alive
    this._linger.unref()
  }

  private _schedulePump(): void {
    if (this._pumpScheduled) return
    this._pumpScheduled = true
    // off the caller's stack: push() only serialises and enqueues
    setImmediate(() => {
      this._pumpScheduled = false
      this._pump()
    })
  }

  private _pump(): void {
    this._pipeline.pump()
    this._spool?.advance()
  }

  // ---- flush, close, waits ----

  private _settledUpTo(target: number): boolean {
    return this._pipeline.oldestPendingSeq() > target
  }

  private _pending(): number {
    return this._queue.length + this._pipeline.packingRecords + this._delivery.inFlightRecords
  }

  async flush(options: FlushOptions = {}): Promise<FlushResult> {
    const target = this._seq
    this._drops.flushOverflow()
    this._pipeline.sealUpTo(target)
    this._pump()
    // records waiting in the spool were pushed (or left by an earlier process) before this call, too
    const onDisk = this._spool?.waitForFlush()
    const settled = () => this._settledUpTo(target) && (onDisk?.settled() ?? true)
    try {
      await this._waiters.wait(settled, { timeoutMs: options.timeoutMs, signal: options.signal })
    } finally {
      onDisk?.end()
    }
    return { settled: settled(), pending: this._pending() }
  }

  waitForSpace(options: WaitForSpaceOptions = {}): Promise<boolean> {
    if (this._closing !== undefined) return Promise.resolve(false)
    this._schedulePump()
    return this._waiters.wait(() => this._closing === undefined && this._queue.hasRoom(), options)
  }

  close(options: CloseOptions = {}): Promise<FlushResult> {
    this._closing ??= this._close(options.timeoutMs ?? this._o.closeTimeoutMs)
    return this._closing
  }

  private async _close(timeoutMs: number): Promise<FlushResult> {
    // `closed` is already true: later pushes are reported as 'closed', and waitForSpace() answers false
    this._waiters.notify()
    const result = await this.flush({ timeoutMs })
    // what is still pending now stays in the spool for the next start
    this._spool?.freeze()
    this._shutdown.abort()
    if (this._linger !== undefined) clearTimeout(this._linger)
    this._linger = undefined
    // in-flight requests and backoff sleeps end at once on abort and report their records; compressions finish
    await this._waiters.wait(() => this._pipeline.idle)
    this._pipeline.stop(`still queued when close() reached its ${timeoutMs} ms deadline`)
    this._drops.flushOverflow()
    this._spool?.close()
    this._transport.close()
    this._waiters.notify()
    return { settled: result.settled, pending: this._pending() }
  }

  abandon(detail: string): number {
    const pending = this._pending()
    this._closing ??= Promise.resolve({ settled: pending === 0, pending: 0 })
    this._shutdown.abort()
    if (this._linger !== undefined) clearTimeout(this._linger)
    this._linger = undefined
    // with a spool, what is pending stays on disk for the next start (counted as kept, not dropped)
    this._spool?.freeze()
    const keptBefore = this._spool?.stats().keptAtClose ?? 0
    this._delivery.abandon(detail)
    this._pipeline.stop(detail)
    this._drops.flushOverflow()
    const kept = (this._spool?.stats().keptAtClose ?? 0) - keptBefore
    this._spool?.close()
    this._transport.close()
    this._waiters.cancel()
    return Math.max(0, pending - kept)
  }

  stats(): LogsIngestionStats {
    const stats = this._stats.snapshot(
      this._queue.length + this._pipeline.packingRecords,
      this._delivery.inFlightRecords,
      this._queue.totalChars,
    )
    if (this._spool !== undefined) stats.spool = this._spool.stats()
    const conform = this._shaper?.stats()
    if (conform !== undefined) stats.conform = conform
    return stats
  }
}

/**
 * Creates a client that batches, compresses and sends records to one DCR stream (or, with `routes`, to one
 * stream per route). Throws `LogsIngestionError` (`INVALID_OPTIONS`) for invalid options; after that, nothing
 * it does throws into the host: undelivered records go to `onDrop` and `stats()`.
 */
export const createLogsIngestionClient = (
  options: LogsIngestionClientOptions = {},
  deps: ClientDeps = {},
): LogsIngestionClient =>
  Array.isArray(options?.routes) && options.routes.length > 0
    ? new RoutingClient(options, {
        ...deps,
        create: (routeOptions, env, route) => new Client(routeOptions, { ...deps, env }, route),
      })
    : new Client(options, deps)
