import { debuglog } from 'node:util'
import {
  checkOptionNames,
  createLogsIngestionClient,
  DROP_REASON_CODES,
  type DropReason,
  type LogColumns,
  type LogsIngestionClient,
  LogsIngestionError,
  type LogsIngestionErrorCode,
  type LogsIngestionStats,
} from '@dcr-logs/core'
import { createFlushWindow, type FlushWindow } from './flush-window.ts'
import { createRecordMapper } from './map-record.ts'
import {
  type AzureLogsExporterOptions,
  KNOWN_OPTION_NAMES,
  type ResolvedExporterOptions,
  resolveExporterOptions,
} from './options.ts'
import { EXPORT_FAILED, EXPORT_SUCCESS, type ExportResultLike, type ReadableLogRecordLike } from './otel-types.ts'

const debug = debuglog('dcr-logs')

type DroppedByReason = LogsIngestionStats['droppedByReason']

const SUCCESS: ExportResultLike = Object.freeze({ code: EXPORT_SUCCESS })

/**
 * Marks exporters that hold a batch once `export()` has answered, so a processor's per-batch `forceFlush()` is only
 * a hint (`createBatchLogRecordProcessor`). A registry symbol: it holds across copies of this package (ESM and CJS).
 */
export const BUFFERS_ON_EXPORT: unique symbol = Symbol.for('@dcr-logs/opentelemetry.buffersOnExport') as never

/** What happened to one batch on its way into core. */
interface PushOutcome {
  /** Records core refused; core reported each to `onDrop` and counted it. */
  refused: number
  /** Records that could not be read at all (a throwing getter); reported through core's `reportDrop()`. */
  unreadable: number
}

/** Drop reasons whose counters grew between two snapshots, most frequent first. */
function newDrops(before: DroppedByReason, after: DroppedByReason): [DropReason, number][] {
  const grown: [DropReason, number][] = []
  for (const [reason, count = 0] of Object.entries(after) as [DropReason, number | undefined][]) {
    const delta = count - (before[reason] ?? 0)
    if (delta > 0) grown.push([reason, delta])
  }
  return grown.sort((a, b) => b[1] - a[1])
}

function failed(error: LogsIngestionError): ExportResultLike {
  return { code: EXPORT_FAILED, error }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/**
 * An OpenTelemetry `LogRecordExporter` that sends log records to Azure Monitor Logs through a data collection
 * rule, with `@dcr-logs/core` doing the batching, compression, authentication and retries.
 *
 * Works with sdk-logs 0.2xx and 3.x, under `BatchLogRecordProcessor` (recommended) or `SimpleLogRecordProcessor`.
 * `export()` calls back exactly once and never throws; after `shutdown()` it answers `FAILED` at once.
 *
 * @example
 * ```ts
 * const exporter = new AzureLogsExporter({ endpoint, ruleId, streamName: 'Custom-AppLogs', credential })
 * const provider = new LoggerProvider({ processors: [new BatchLogRecordProcessor({ exporter })] })
 * ```
 */
export class AzureLogsExporter {
  /** See `BUFFERS_ON_EXPORT`. */
  readonly [BUFFERS_ON_EXPORT] = true
  private readonly _options: ResolvedExporterOptions
  private readonly _client: LogsIngestionClient
  private readonly _mapRecord: (record: ReadableLogRecordLike) => LogColumns
  private readonly _flushWindow: FlushWindow
  /** With `overflow: 'wait'` core refuses records while full: wait for room first (backpressure on the processor). */
  private readonly _waitForRoom: boolean
  private _shutdown: Promise<void> | undefined

  /**
   * @param options - where to send (`endpoint`, `ruleId`, `streamName`, `credential`) and how; anything left out is
   *   read from `DCR_LOGS_*` / `AZURE_*` variables by core.
   * @throws LogsIngestionError with code `INVALID_OPTIONS` when an option is missing or malformed.
   */
  constructor(options: AzureLogsExporterOptions = {}) {
    this._options = resolveExporterOptions(options)
    this._client = createLogsIngestionClient(this._options.client)
    try {
      checkOptionNames(Object.fromEntries(this._options.unknown.map((k) => [k, true])), KNOWN_OPTION_NAMES, {
        component: 'AzureLogsExporter',
        strict: this._client.options.strictOptions,
      })
    } catch (error) {
      void this._client.close({ timeoutMs: 0 })
      throw error
    }
    // as core resolved it: DCR_LOGS_OVERFLOW counts too
    this._waitForRoom = this._client.options.overflow === 'wait'
    this._mapRecord = createRecordMapper({ resourceAttributes: this._options.resourceAttributes, now: Date.now })
    this._flushWindow = createFlushWindow(this._options.flushTimeoutMs)
  }

  /**
   * Maps `logs` to the default schema and hands them to core. Reports `SUCCESS` once they are buffered
   * (`acknowledge: 'buffered'`) or delivered (`'delivered'`), `FAILED` when any of them was dropped or the exporter
   * is shut down. Never throws; calls back exactly once; overlapping calls are fine.
   */
  export(logs: ReadableLogRecordLike[], resultCallback: (result: ExportResultLike) => void): void {
    let answered = false
    const answer = (result: ExportResultLike): void => {
      if (answered) return
      answered = true
      try {
        resultCallback(result)
      } catch (error) {
        // The processor's callback threw: not ours to handle, but export() must not throw into the SDK.
        debug('export result callback threw: %s', messageOf(error))
      }
    }
    const fail = (error: unknown): void => {
      answer(failed(new LogsIngestionError('INVALID_RECORD', `export failed: ${messageOf(error)}`, { cause: error })))
    }
    try {
      if (this._shutdown !== undefined || this._client.closed) {
        const message = `${logs.length} log records not exported: the exporter was shut down`
        answer(failed(new LogsIngestionError('CLOSED', message, { records: logs.length })))
        return
      }
      const before = this._client.stats()
      const pushed = this._waitForRoom ? this._pushWhenRoom(logs) : Promise.resolve(this._pushAll(logs))
      pushed.then((outcome) => this._judge(logs.length, outcome, before)).then(answer, fail)
    } catch (error) {
      // Nothing above should throw; if it does, the processor still gets its one answer.
      fail(error)
    }
  }

  /**
   * Waits until everything exported so far is delivered or reported dropped, within `flushTimeoutMs`; calls back to
   * back (a processor flushing batch after batch) share one deadline, so a processor's `shutdown()` during an outage
   * stays bounded by it and by `shutdownTimeoutMs`.
   */
  async forceFlush(): Promise<void> {
    if (this._shutdown !== undefined) return this._shutdown
    const result = await this._client.flush({ timeoutMs: this._flushWindow.timeoutMs() })
    if (result.settled) this._flushWindow.settled()
  }

  /**
   * Flushes, then closes core's client, within `shutdownTimeoutMs`; what is still pending then is reported to
   * `onDrop` (`shutdown-timeout`). Later exports fail fast. Idempotent.
   */
  shutdown(): Promise<void> {
    const timeoutMs = this._options.shutdownTimeoutMs ?? this._client.options.closeTimeoutMs
    this._shutdown ??= this._client.close({ timeoutMs }).then(() => undefined)
    return this._shutdown
  }

  /** Counters from core: records accepted, delivered, dropped by reason; requests; bytes; request fill. */
  stats(): LogsIngestionStats {
    return this._client.stats()
  }

  /**
   * Maps one record; `undefined` when its fields cannot be read (the SDK's records never throw, hand-made ones may),
   * which is then reported and counted as a dropped record like any other.
   */
  private _map(record: ReadableLogRecordLike): LogColumns | undefined {
    try {
      return this._mapRecord(record)
    } catch (error) {
      this._client.reportDrop({
        records: [record],
        detail: `the log record could not be read: ${messageOf(error)}`,
        cause: error,
      })
      return undefined
    }
  }

  private _pushAll(logs: readonly ReadableLogRecordLike[]): PushOutcome {
    const outcome: PushOutcome = { refused: 0, unreadable: 0 }
    for (const record of logs) {
      const columns = this._map(record)
      if (columns === undefined) outcome.unreadable++
      else if (!this._client.push(columns)) outcome.refused++
    }
    return outcome
  }

  /** `overflow: 'wait'`: waits for room before each record, so the callback (and the processor) waits too. */
  private async _pushWhenRoom(logs: readonly ReadableLogRecordLike[]): Promise<PushOutcome> {
    const outcome: PushOutcome = { refused: 0, unreadable: 0 }
    for (const record of logs) {
      const columns = this._map(record)
      if (columns === undefined) {
        outcome.unreadable++
        continue
      }
      // false means closed (or full past any hope): push anyway so core reports the record instead of losing it
      await this._client.waitForSpace()
      if (!this._client.push(columns)) outcome.refused++
    }
    return outcome
  }

  private async _judge(total: number, pushed: PushOutcome, before: LogsIngestionStats): Promise<ExportResultLike> {
    if (this._options.acknowledge === 'delivered') return this._confirm(total, pushed, before)
    if (pushed.refused === 0 && pushed.unreadable === 0) return SUCCESS
    // core reports buffer-full drops from a microtask (it coalesces them); let that run so the reasons are counted
    await new Promise<void>((resolve) => queueMicrotask(resolve))
    return this._dropped(total, pushed.refused + pushed.unreadable, before)
  }

  /** `'delivered'` mode: waits for core to settle everything pushed so far, then judges this batch. */
  private async _confirm(total: number, pushed: PushOutcome, before: LogsIngestionStats): Promise<ExportResultLike> {
    const flushed = await this._client.flush({ timeoutMs: this._options.flushTimeoutMs })
    // Drops while this batch was in flight may belong to an overlapping export: answering FAILED then is the
    // safe side (the processor never retries, so a false FAILED loses nothing; a false SUCCESS would hide a loss).
    const droppedMeanwhile = this._client.stats().records.dropped - before.records.dropped
    if (droppedMeanwhile > 0 || pushed.refused > 0 || pushed.unreadable > 0) {
      return this._dropped(total, Math.max(pushed.refused + pushed.unreadable, droppedMeanwhile), before)
    }
    if (flushed.settled) return SUCCESS
    const last = this._client.stats().lastError
    const message =
      `${total} log records not confirmed within flushTimeoutMs (${this._options.flushTimeoutMs} ms): ` +
      `${flushed.pending} records still pending in core, which keeps retrying them` +
      (last === undefined ? '' : `; last error: ${last.message}`)
    return failed(new LogsIngestionError('RETRIES_EXHAUSTED', message, { records: flushed.pending, retriable: true }))
  }

  /** FAILED for a batch some of whose records were not delivered, with the reasons core counted. */
  private _dropped(total: number, dropped: number, before: LogsIngestionStats): ExportResultLike {
    // refused and unreadable records were both reported through core: the reasons are core's counts
    const reasons = newDrops(before.droppedByReason, this._client.stats().droppedByReason)
    const parts = reasons.map(([reason, n]) => `${reason} ${n}`)
    const count = Math.min(dropped, total)
    const main = reasons[0]?.[0]
    const code: LogsIngestionErrorCode = main !== undefined ? DROP_REASON_CODES[main] : 'BUFFER_FULL'
    const message = `${count} of ${total} log records were not delivered (${parts.join(', ') || 'buffer-full'}); onDrop and stats() have the details`
    return failed(new LogsIngestionError(code, message, { records: count }))
  }
}
