/** Messages between a run (parent, owns the emulator) and its child processes (real apps with a logger). */
import type { LogsIngestionClientOptions, LogsIngestionStats } from '@dcr-logs/core'

export type Adapter = 'core' | 'winston' | 'pino' | 'opentelemetry'

export interface ChildTask {
  adapter: Adapter
  /** First sequence number to log. */
  from: number
  /** Records to log (`Infinity`: until killed). */
  count: number
  /** Records per second, logged in slices every 10 ms. */
  ratePerSec: number
  /** Core options on top of the emulator's environment (clone-safe: no functions). */
  options: LogsIngestionClientOptions
  /** Deadline of the final close(). */
  closeTimeoutMs: number
  /** Text before the sequence number in `Body`, so rows are identified by run and seq. */
  tag: string
  /** Measure each record's delay from logging to the 204 that carried it (core only). */
  measureDelays?: boolean
  /** Log every this many ms (default 10). */
  sliceMs?: number
  /** Acknowledge at most this often (default 0: after every slice, as the kill loop needs). */
  ackEveryMs?: number
}

export type ChildMessage =
  /** Every record up to `seq` is accepted (and, with a spool, written: the turn it was logged in has ended). */
  | { type: 'acked'; seq: number; stats: LogsIngestionStats | undefined }
  | {
      type: 'done'
      pushed: number
      /** Sequence numbers reported dropped, by reason (adapters that report records). */
      droppedSeqs: Record<string, number[]>
      /** Records reported dropped, by reason, where only counts are reported (pino's worker). */
      droppedCounts: Record<string, number>
      stats: LogsIngestionStats | undefined
      peakRssBytes: number
      cpuMs: number
      elapsedMs: number
      /** Delivery delays (10 ms buckets → records), when measured. */
      delays: Record<number, number> | undefined
    }

/** `Body` of record `seq`: `<tag>:<seq>`. */
export const bodyFor = (tag: string, seq: number): string => `${tag}:${seq}`

/** The sequence number in a `Body` (or a record's JSON text) of this tag, or undefined. */
export const seqIn = (tag: string, text: string): number | undefined => {
  const at = text.indexOf(`${tag}:`)
  if (at < 0) return undefined
  const m = /^\d+/.exec(text.slice(at + tag.length + 1))
  return m === null ? undefined : Number(m[0])
}
