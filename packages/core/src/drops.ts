/**
 * Every undelivered record is reported once: counted in stats, described by a `LogsIngestionError`, published on
 * `dcr-logs:drop`, written to NODE_DEBUG, and handed to `onDrop` with the records as JSON text. Records are read
 * back (a body may need a gunzip) only when someone listens on `onDrop`.
 */
import { debug, publish } from './diagnostics.js'
import { DROP_REASON_CODES, LogsIngestionError, messageOf } from './errors.js'
import type { StatsCounter } from './stats.js'
import type { DropEvent, DropReason } from './types.js'

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

/** Advice for a configuration failure, shared with the warnings the client raises on the first 403/404. */
export const adviceFor = (reason: DropReason): string => ADVICE[reason] ?? ''

export interface DropInfo {
  status?: number | undefined
  errorCode?: string | undefined
  clientRequestId?: string | undefined
  retriable?: boolean | undefined
  detail?: string | undefined
  cause?: unknown
}

/** The records of a drop: given, or read back on demand. */
export type DropRecords = readonly string[] | { readonly count: number; read: () => readonly string[] }

/** Coalesce overflow drops into one report per tick, but never hold more than this many. */
const OVERFLOW_REPORT_CHUNK = 1000

export class DropReporter {
  private _overflow: string[] = []
  private _overflowScheduled = false

  constructor(
    private readonly _stats: StatsCounter,
    private readonly _onDrop: ((event: DropEvent) => void) | undefined,
    private readonly _now: () => number,
    /** Describes the buffer limits for `buffer-full` reports. */
    private readonly _bufferLimits: string,
  ) {}

  report(reason: DropReason, records: DropRecords, info: DropInfo): void {
    const count = 'read' in records ? records.count : records.length
    if (count === 0) return
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
    const onDrop = this._onDrop
    if (onDrop === undefined) return
    try {
      const event: DropEvent = {
        reason,
        records: 'read' in records ? records.read() : records,
        retriable: info.retriable ?? false,
        error,
      }
      if (info.status !== undefined) event.status = info.status
      if (info.errorCode !== undefined) event.errorCode = info.errorCode
      if (info.clientRequestId !== undefined) event.clientRequestId = info.clientRequestId
      onDrop(event)
    } catch (e) {
      debug(() => `onDrop threw (ignored): ${messageOf(e)}`)
    }
  }

  /** Records refused or evicted because the buffer is full: reported together once per tick. */
  overflow(jsons: readonly string[]): void {
    for (const j of jsons) this._overflow.push(j)
    if (this._overflow.length >= OVERFLOW_REPORT_CHUNK) {
      this.flushOverflow()
      return
    }
    if (this._overflowScheduled) return
    this._overflowScheduled = true
    queueMicrotask(() => this.flushOverflow())
  }

  flushOverflow(): void {
    this._overflowScheduled = false
    const records = this._overflow
    if (records.length === 0) return
    this._overflow = []
    this.report('buffer-full', records, { retriable: true, detail: `the buffer is full (${this._bufferLimits})` })
  }
}
