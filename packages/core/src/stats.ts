import type { DropReason, LogsIngestionStats } from './types.js'

/** Counters behind `client.stats()`. */
export class StatsCounter {
  accepted = 0
  delivered = 0
  dropped = 0
  retried = 0
  readonly droppedByReason: Partial<Record<DropReason, number>> = {}
  requests = 0
  readonly byStatus: Record<string, number> = {}
  rawBytes = 0
  sentBytes = 0
  private _fillSum = 0
  private _fillCount = 0
  lastError: LogsIngestionStats['lastError']

  drop(reason: DropReason, count: number): void {
    this.dropped += count
    this.droppedByReason[reason] = (this.droppedByReason[reason] ?? 0) + count
  }

  request(status: number | string): void {
    this.requests++
    const key = String(status)
    this.byStatus[key] = (this.byStatus[key] ?? 0) + 1
  }

  /** A body the service accepted. `fill` is given for bodies sealed because they were full. */
  deliver(records: number, rawBytes: number, sentBytes: number, fill: number | undefined): void {
    this.delivered += records
    this.rawBytes += rawBytes
    this.sentBytes += sentBytes
    if (fill !== undefined) {
      this._fillSum += fill
      this._fillCount++
    }
  }

  error(message: string, code: string | undefined, status: number | undefined, at: Date): void {
    const e: NonNullable<LogsIngestionStats['lastError']> = { message, at: at.toISOString() }
    if (code !== undefined) e.code = code
    if (status !== undefined) e.status = status
    this.lastError = e
  }

  snapshot(queued: number, inFlight: number, queuedBytes: number): LogsIngestionStats {
    const s: LogsIngestionStats = {
      records: {
        accepted: this.accepted,
        delivered: this.delivered,
        dropped: this.dropped,
        retried: this.retried,
        queued,
        inFlight,
      },
      droppedByReason: { ...this.droppedByReason },
      requests: { total: this.requests, byStatus: { ...this.byStatus } },
      bytes: { raw: this.rawBytes, sent: this.sentBytes },
      averageFill: this._fillCount === 0 ? 0 : this._fillSum / this._fillCount,
      queuedBytes,
    }
    if (this.lastError !== undefined) s.lastError = { ...this.lastError }
    return s
  }
}
