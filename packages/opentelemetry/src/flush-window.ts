/**
 * One deadline for a burst of `forceFlush()` calls. A `BatchLogRecordProcessor` flushing its queue (on
 * `forceFlush()` or `shutdown()`) calls `exporter.forceFlush()` after every batch of 512, one after the other: with
 * a deadline per call, an outage would hold `shutdown()` for the deadline times the number of batches. Calls that
 * start while an unsettled flush's deadline runs, or right after it ran out, share it; a settled flush ends the
 * burst.
 */

/** Calls closer than this to the end of the previous window belong to the same burst. */
export const FLUSH_BURST_GAP_MS = 1_000

export interface FlushWindow {
  /** Milliseconds left for a flush starting now. */
  timeoutMs(): number
  /** The flush settled: the next one gets a full deadline. */
  settled(): void
}

export function createFlushWindow(deadlineMs: number, now: () => number = Date.now): FlushWindow {
  let endsAt: number | undefined
  return {
    timeoutMs() {
      const t = now()
      if (endsAt === undefined || t > endsAt + FLUSH_BURST_GAP_MS) endsAt = t + deadlineMs
      return Math.max(0, endsAt - t)
    },
    settled() {
      endsAt = undefined
    },
  }
}
