/**
 * Host glue: winston's transport contract (frameworks.md §2) on top of core's client. Mapping lives in
 * `map-info.ts`; batching, retry and HTTP live in core.
 */
import { hostname } from 'node:os'
import { debuglog } from 'node:util'
import {
  checkOptionNames,
  createColumnMapper,
  createLogsIngestionClient,
  createResourceCache,
  type ExitParticipant,
  type FlushOptions,
  type FlushResult,
  holdProcessUntil,
  type LogColumns,
  type LogsIngestionClient,
  type LogsIngestionStats,
  prepareEarlyToken,
  registerExitParticipant,
  unregisterExitParticipant,
} from '@dcr-logs/core'
import TransportStream from 'winston-transport'
import { isCrashRecord, winstonWillExit } from './crash.ts'
import { type MapContext, mapInfo, type WinstonInfo } from './map-info.ts'
import {
  type AzureLogsTransportOptions,
  KNOWN_OPTION_NAMES,
  refuseWaitOverflow,
  splitOptions,
  validateMappingOptions,
  WINSTON_DEFAULTS,
} from './options.ts'
import { createSeverityLookup } from './severity.ts'

const debug = debuglog('dcr-logs')

/** Why records still pending when the process exits are reported (`shutdown-timeout`). */
const EXIT_DETAIL =
  'still queued when the process exited: end the logger and wait for its finish event before process.exit()'

const messageOf = (error: unknown): string => (error instanceof Error ? error.message || error.name : String(error))

/**
 * A winston transport that ships each record to an Azure Monitor Logs table through the Logs Ingestion API.
 *
 * `log()` maps and buffers the record synchronously (core batches, compresses, retries and sends it);
 * `logger.end()` and its `'finish'` event wait until everything is delivered or reported dropped.
 *
 * @example
 * const logger = winston.createLogger({
 *   transports: [new AzureLogsTransport({ endpoint, ruleId, streamName: 'Custom-AppLogs' })],
 * })
 */
export class AzureLogsTransport extends TransportStream {
  /** The logger's level set, stored by `winston-transport` when the logger pipes into this transport. */
  declare levels?: Readonly<Record<string, number>>
  /** The logger piping into this transport, stored by `winston-transport`. */
  declare parent?: { exitOnError?: unknown }

  private readonly _client: LogsIngestionClient
  private readonly _context: MapContext
  private readonly _columns: ((source: object) => LogColumns) | undefined
  private readonly _mapRecord: AzureLogsTransportOptions['mapRecord']
  private readonly _flushTimeoutMs: number
  private readonly _crashTimeoutMs: number
  private readonly _sources = new Set<unknown>()
  private readonly _exit: ExitParticipant
  private _crashing: Promise<void> | undefined

  /**
   * @param options - core's client options (`endpoint`, `ruleId`, `streamName`, `credential`, …, also read from
   *   `DCR_LOGS_*` and `AZURE_*` variables), winston's (`level`, `silent`, `format`, `handleExceptions`,
   *   `handleRejections`) and this adapter's (`bodyFrom`, `serviceName`, `resource`, `columns`, `mapRecord`, …).
   * @throws `LogsIngestionError` with code `INVALID_OPTIONS` naming the option that is wrong.
   */
  constructor(options: AzureLogsTransportOptions = {}) {
    if (options === null || typeof options !== 'object') {
      throw new TypeError(
        `AzureLogsTransport: options must be an object (got ${options === null ? 'null' : typeof options})`,
      )
    }
    const { core, transport, mapping } = splitOptions(options)
    validateMappingOptions(mapping)
    const columns = mapping.columns === undefined ? undefined : createColumnMapper(mapping.columns)
    // resolved once here (env included) so the crash path has its token before it needs it
    const early = prepareEarlyToken(core)
    checkOptionNames(options, KNOWN_OPTION_NAMES, {
      component: 'AzureLogsTransport',
      strict: early.resolved.strictOptions,
    })
    refuseWaitOverflow(early.resolved.overflow, core.overflow === undefined)
    super(transport)
    this._client = createLogsIngestionClient(early.options)
    if (transport.handleExceptions || transport.handleRejections) {
      early.prefetch((message) => debug('winston transport: early token request failed: %s', message))
    }
    this._columns = columns
    this._mapRecord = mapping.mapRecord
    this._flushTimeoutMs = mapping.flushTimeoutMs ?? WINSTON_DEFAULTS.flushTimeoutMs
    this._crashTimeoutMs = mapping.crashTimeoutMs ?? WINSTON_DEFAULTS.crashTimeoutMs
    const hostName = mapping.hostName ?? hostname()
    const resourceService = mapping.resource?.['service.name']
    const serviceName = mapping.serviceName ?? (typeof resourceService === 'string' ? resourceService : undefined)
    const resourceFor = createResourceCache(mapping.resource, mapping.resourceAttributes)
    const severity = createSeverityLookup(mapping.severityNumbers)
    this._context = {
      severity: (name) => severity(name, this.levels),
      bodyFrom: mapping.bodyFrom ?? WINSTON_DEFAULTS.bodyFrom,
      serviceName,
      resource: (service) => resourceFor(service, hostName, process.pid),
      scopeName: mapping.scopeName ?? WINSTON_DEFAULTS.scopeName,
      scopeVersion: mapping.scopeVersion,
      hostName,
    }
    this._exit = {
      label: '@dcr-logs/winston',
      onBeforeExit: () => this._onBeforeExit(),
      pendingAtExit: () => this._client.abandon(EXIT_DETAIL),
    }
    registerExitParticipant(this._exit)
    // piped again after logger.remove(): back under the exit hook; unpiped from every logger: released
    this.on('pipe', (source: unknown) => {
      this._sources.add(source)
      if (!this._client.closed) registerExitParticipant(this._exit)
    })
    this.on('unpipe', (source: unknown) => {
      this._sources.delete(source)
      if (this._sources.size === 0) unregisterExitParticipant(this._exit)
    })
  }

  /**
   * winston's entry point. Hands the record to core without changing `info`, calls back synchronously (a deferred
   * callback races `logger.end()`, frameworks.md §2.3) and emits `'logged'` on the next turn. The callback is
   * optional, as in winston's own transports.
   */
  override log(info: WinstonInfo, callback?: () => void): void {
    this._push(info)
    if (isCrashRecord(info)) this._onCrash(info)
    if (this.listenerCount('logged') > 0) setImmediate(() => this.emit('logged', info))
    if (typeof callback === 'function') callback()
  }

  /**
   * Sends everything logged so far and resolves when it is delivered or reported dropped, or at the deadline
   * (`flushTimeoutMs` by default); for applications that keep the logger open (serverless handlers, tests).
   */
  flush(options: FlushOptions = {}): Promise<FlushResult> {
    return this._client.flush({ timeoutMs: this._flushTimeoutMs, ...options })
  }

  /**
   * Called by winston, synchronously and not awaited, when the transport is removed or `logger.close()` runs:
   * starts a flush so nothing waits in the buffer, and keeps the process alive for it (at most `closeTimeoutMs`).
   * Await `flush()`, or `logger.end()` and `'finish'`, to know when it is done.
   */
  override close(): void {
    void holdProcessUntil(this._client.flush({ timeoutMs: this._client.options.closeTimeoutMs }))
  }

  /** Delivery counters of this transport (core's, including records the mapping could not produce). */
  stats(): LogsIngestionStats {
    return this._client.stats()
  }

  /** `logger.end()` ends each transport and waits for its `'finish'`, which Node emits after this callback. */
  override _final(callback: (error?: Error | null) => void): void {
    unregisterExitParticipant(this._exit)
    // every undelivered record already went to onDrop; an error here must not crash the app through 'error'
    holdProcessUntil(this._client.close()).then(() => callback())
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    unregisterExitParticipant(this._exit)
    void holdProcessUntil(this._client.close())
    callback(error)
  }

  /** The event loop ran dry with records still queued: deliver them (bounded by `closeTimeoutMs`). */
  private _onBeforeExit(): void {
    const { queued, inFlight } = this._client.stats().records
    if (this._client.closed || queued + inFlight === 0) return
    unregisterExitParticipant(this._exit)
    void holdProcessUntil(this._client.close())
  }

  /**
   * winston's uncaught-exception (or rejection) record. If winston will exit on it, deliver within `crashTimeoutMs`
   * (what is left is reported dropped), then emit `'finish'`, which is what winston waits for before exiting. If it
   * will not exit, just send at once.
   */
  private _onCrash(info: WinstonInfo): void {
    if (this._crashing !== undefined) return
    if (!winstonWillExit(this as { _ending?: unknown }, this.parent, info)) {
      void this._client.flush({ timeoutMs: this._crashTimeoutMs })
      return
    }
    unregisterExitParticipant(this._exit)
    this._crashing = this._client.close({ timeoutMs: this._crashTimeoutMs }).then(
      () => {
        this.emit('finish')
      },
      (error: unknown) => {
        debug('winston transport: %s', messageOf(error))
        this.emit('finish')
      },
    )
  }

  private _push(info: WinstonInfo): void {
    let columns: LogColumns | null | undefined
    let stage = 'the default columns'
    try {
      const mapped = mapInfo(info, Date.now(), this._context)
      stage = 'the columns option'
      if (this._columns) Object.assign(mapped, this._columns(info))
      stage = 'mapRecord'
      columns = this._mapRecord ? this._mapRecord(mapped, info) : mapped
    } catch (error) {
      const level = String((info as Record<symbol, unknown> | null)?.[Symbol.for('level')] ?? 'unknown')
      this._client.reportDrop({
        records: [info],
        detail: `AzureLogsTransport could not map a "${level}" record: ${stage} threw "${messageOf(error)}"`,
        cause: error,
      })
      return
    }
    if (columns === null || columns === undefined) return // skipped by mapRecord on purpose
    this._client.push(columns)
  }
}
