/**
 * Host glue: winston's transport contract (frameworks.md §2) on top of core's client. Mapping lives in
 * `map-info.ts`; batching, retry and HTTP live in core.
 */
import { hostname } from 'node:os'
import { debuglog } from 'node:util'
import {
  DEFAULTS as CORE_DEFAULTS,
  createColumnMapper,
  createLogsIngestionClient,
  type DropEvent,
  type FlushOptions,
  type FlushResult,
  type LogColumns,
  type LogsIngestionClient,
  LogsIngestionError,
  type LogsIngestionStats,
  severityNumberFor,
} from '@dcr-logs/core'
import TransportStream from 'winston-transport'
import { buildSeverityTable, type SeverityTable, severityOf } from './levels.ts'
import { type DefaultColumns, type MapContext, mapInfo, safeJson, type WinstonInfo } from './map-info.ts'
import { type AzureLogsTransportOptions, DEFAULTS, splitOptions, validateMappingOptions } from './options.ts'

const debug = debuglog('dcr-logs')

const EMPTY_TABLE: SeverityTable = new Map()

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

  private readonly _client: LogsIngestionClient
  private readonly _context: MapContext
  private readonly _columns: ((source: object) => LogColumns) | undefined
  private readonly _mapRecord: AzureLogsTransportOptions['mapRecord']
  private readonly _onDrop: ((event: DropEvent) => void) | undefined
  private readonly _closeTimeoutMs: number
  private _mappingDrops = 0
  // winston has no exit hook: without one, a process that runs out of work exits with records still queued.
  // The process is about to exit, so close (bounded by closeTimeoutMs; what is left is reported as dropped).
  private readonly _onBeforeExit = (): void => {
    const { queued, inFlight } = this._client.stats().records
    if (this._client.closed || queued + inFlight === 0) return
    process.off('beforeExit', this._onBeforeExit)
    void this._holdProcess(this._client.close())
  }
  private _tableLevels: Readonly<Record<string, number>> | undefined
  private _table: SeverityTable = EMPTY_TABLE

  /**
   * @param options - core's client options (`endpoint`, `ruleId`, `streamName`, `credential`, …, also read from
   *   `DCR_LOGS_*` and `AZURE_*` variables), winston's (`level`, `silent`, `format`, `handleExceptions`,
   *   `handleRejections`) and this adapter's (`bodyFrom`, `serviceName`, `resource`, `columns`, `mapRecord`, …).
   * @throws `LogsIngestionError` with code `INVALID_OPTIONS`, or `TypeError`, naming the option that is wrong.
   */
  constructor(options: AzureLogsTransportOptions = {}) {
    if (options === null || typeof options !== 'object') {
      throw new TypeError(
        `AzureLogsTransport: options must be an object (got ${options === null ? 'null' : typeof options})`,
      )
    }
    const { core, transport, mapping } = splitOptions(options)
    validateMappingOptions(mapping)
    super(transport)
    this._columns = mapping.columns === undefined ? undefined : createColumnMapper(mapping.columns)
    this._mapRecord = mapping.mapRecord
    this._onDrop = core.onDrop
    this._context = {
      severity: (name) => this._severity(name),
      bodyFrom: mapping.bodyFrom ?? DEFAULTS.bodyFrom,
      serviceName: mapping.serviceName,
      resource: mapping.resource,
      scopeName: mapping.scopeName ?? DEFAULTS.scopeName,
      scopeVersion: mapping.scopeVersion,
      hostName: mapping.hostName ?? hostname(),
    }
    this._closeTimeoutMs = core.closeTimeoutMs ?? CORE_DEFAULTS.closeTimeoutMs
    this._client = createLogsIngestionClient(core)
    process.on('beforeExit', this._onBeforeExit)
  }

  /**
   * winston's entry point. Hands the record to core without changing `info`, calls back synchronously (a deferred
   * callback races `logger.end()`, frameworks.md §2.3) and emits `'logged'` on the next turn.
   */
  override log(info: WinstonInfo, callback: () => void): void {
    this._push(info)
    const fields = info as { exception?: unknown; rejection?: unknown } | null
    // winston exits 3 s after an uncaught exception or rejection without ending transports: send now
    if (fields !== null && typeof fields === 'object' && (fields.exception === true || fields.rejection === true)) {
      void this._client.flush()
    }
    setImmediate(() => this.emit('logged', info))
    callback()
  }

  /**
   * Sends everything logged so far and resolves when it is delivered or reported dropped, or at the deadline;
   * for applications that keep the logger open (serverless handlers, before a planned exit).
   */
  flush(options?: FlushOptions): Promise<FlushResult> {
    return this._client.flush(options)
  }

  /**
   * Called by winston, synchronously and not awaited, when the transport is removed or `logger.close()` runs:
   * starts a flush so nothing waits in the buffer, and keeps the process alive for it (at most `closeTimeoutMs`).
   * Await `flush()`, or `logger.end()` and `'finish'`, to know when it is done.
   */
  override close(): void {
    void this._holdProcess(this._client.flush({ timeoutMs: this._closeTimeoutMs }))
  }

  /** Delivery counters of this transport (core's, plus records the `columns`/`mapRecord` mapping could not produce). */
  stats(): LogsIngestionStats {
    const stats = this._client.stats()
    const dropped = this._mappingDrops
    if (dropped === 0) return stats
    return {
      ...stats,
      records: { ...stats.records, dropped: stats.records.dropped + dropped },
      droppedByReason: {
        ...stats.droppedByReason,
        'invalid-record': (stats.droppedByReason['invalid-record'] ?? 0) + dropped,
      },
    }
  }

  /** `logger.end()` ends each transport and waits for its `'finish'`, which Node emits after this callback. */
  override _final(callback: (error?: Error | null) => void): void {
    process.off('beforeExit', this._onBeforeExit)
    // every undelivered record already went to onDrop; an error here must not crash the app through 'error'
    this._holdProcess(this._client.close()).then(() => callback())
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    process.off('beforeExit', this._onBeforeExit)
    void this._holdProcess(this._client.close())
    callback(error)
  }

  /**
   * Keeps the process alive until `work` settles. Core never holds the process open (its timers and backoff sleeps
   * are unref'd), but once the app ends the logger, a retry in progress must not let it exit before 'finish'.
   * `work` is bounded: close() by closeTimeoutMs, flush() by the timeout given.
   */
  private _holdProcess(work: Promise<unknown>): Promise<void> {
    const hold = setInterval(() => {}, 60_000)
    return work.then(
      () => clearInterval(hold),
      (error: unknown) => {
        clearInterval(hold)
        debug('winston transport: %s', messageOf(error))
      },
    )
  }

  private _push(info: WinstonInfo): void {
    let columns: LogColumns | null | undefined
    let stage = 'the default columns'
    try {
      const mapped: DefaultColumns & LogColumns = mapInfo(info, new Date(), this._context)
      stage = 'the columns option'
      if (this._columns) Object.assign(mapped, this._columns(info))
      stage = 'mapRecord'
      columns = this._mapRecord ? this._mapRecord(mapped, info) : mapped
    } catch (error) {
      this._mappingFailed(error, info, stage)
      return
    }
    if (columns === null || columns === undefined) return // skipped by mapRecord on purpose
    this._client.push(columns)
  }

  private _mappingFailed(cause: unknown, info: WinstonInfo, stage: string): void {
    this._mappingDrops++
    const level = String((info as Record<symbol, unknown> | null)?.[Symbol.for('level')] ?? 'unknown')
    const error = new LogsIngestionError(
      'INVALID_RECORD',
      `AzureLogsTransport could not map a "${level}" record: ${stage} threw "${messageOf(cause)}"; the record was dropped`,
      { cause, records: 1 },
    )
    debug('winston transport: %s', error.message)
    try {
      this._onDrop?.({ reason: 'invalid-record', records: [safeJson(info)], retriable: false, error })
    } catch (e) {
      debug('winston transport: onDrop threw: %s', messageOf(e))
    }
  }

  private _severity(levelName: string): number {
    const levels = this.levels
    if (levels !== this._tableLevels) {
      this._tableLevels = levels
      this._table = levels ? buildSeverityTable(levels, severityNumberFor) : EMPTY_TABLE
    }
    return severityOf(this._table, levelName, severityNumberFor)
  }
}
