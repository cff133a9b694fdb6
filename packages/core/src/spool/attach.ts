/**
 * The spool's hook into the client: what it reads (the queue, the pipeline's progress) and what it reports
 * (warnings on `dcr-logs:warning`, NODE_DEBUG and `stats().lastError`). The client supplies only what changes its
 * own state: records read back into the queue, and records handed back to memory.
 */
import { debug, publish } from '../diagnostics.js'
import type { Pipeline } from '../pipeline.js'
import type { RecordQueue } from '../record-queue.js'
import type { StatsCounter } from '../stats.js'
import type { KeepingDropReporter } from './keeping-drops.js'
import { Spool, type SpoolSettings } from './spool.js'

export interface SpoolClientParts {
  queue: RecordQueue
  pipeline: Pipeline
  drops: KeepingDropReporter
  stats: StatsCounter
  now: () => number
  /** Seq of the last record that entered the queue. */
  seq: () => number
  /** `count` records were read back into the queue (after the seq of the last one). */
  added: (count: number) => void
  /** Something a waiter may be waiting for changed. */
  notify: () => void
  /** A record that could not wait on disk after all: queue it under the overflow policy (or report it dropped). */
  enqueue: (json: string, time: number) => void
}

export const openSpool = (settings: SpoolSettings, parts: SpoolClientParts): Spool => {
  const { queue, pipeline } = parts
  const spool = new Spool(settings, {
    queue,
    nextSeq: () => parts.seq() + 1,
    loaded: (count) => {
      if (count > 0) {
        parts.added(count)
        // a flush waiting on these sends them without waiting for bodies to fill
        if (spool.flushing) pipeline.sealUpTo(parts.seq())
      }
      // flush() may have been waiting on the spool alone
      parts.notify()
    },
    oldestPendingSeq: () => pipeline.oldestPendingSeq(),
    // records leave the queue, then the pipeline, in order: everything before those is in a request or settled
    handedThroughSeq: () => parts.seq() - queue.length - pipeline.packingRecords,
    unspill: (jsons, times) => {
      for (let i = 0; i < jsons.length; i++) parts.enqueue(jsons[i]!, times[i]!)
    },
    warn: (message) => {
      publish('warning', () => ({ message }))
      debug(() => `warning: ${message}`)
      parts.stats.error(message, undefined, undefined, new Date(parts.now()))
    },
  })
  parts.drops.spool = spool
  spool.load()
  return spool
}
