/**
 * Which spool position each queued record came from. Records enter the client's queue with consecutive
 * sequence numbers; those that are also on disk form runs of consecutive positions. Pure.
 */
import { position } from './format.js'

interface Run {
  /** First queue seq of the run. */
  seq: number
  count: number
  segment: number
  /** Index in the segment of the run's first record. */
  index: number
}

export class PositionRuns {
  private _runs: Run[] = []
  private _head = 0

  /** Notes that queue seq `seq` holds the record at `segment`:`index`; extends the last run when contiguous. */
  add(seq: number, segment: number, index: number, count = 1): void {
    const last = this._runs[this._runs.length - 1]
    if (
      last !== undefined &&
      this._runs.length > this._head &&
      last.seq + last.count === seq &&
      last.segment === segment &&
      last.index + last.count === index
    ) {
      last.count += count
      return
    }
    this._runs.push({ seq, count, segment, index })
  }

  /**
   * The position of the first on-disk record at or after queue seq `seq`, or undefined when no queued record at or
   * after it is on disk.
   */
  positionAt(seq: number): number | undefined {
    for (let i = this._head; i < this._runs.length; i++) {
      const run = this._runs[i]!
      if (run.seq + run.count <= seq) continue
      const offset = Math.max(0, seq - run.seq)
      return position(run.segment, run.index + offset)
    }
    return undefined
  }

  /** Queue seq of the record at `pos`, when it is in a run (undefined when not loaded or already trimmed). */
  seqOf(pos: number): number | undefined {
    for (let i = this._head; i < this._runs.length; i++) {
      const run = this._runs[i]!
      const start = position(run.segment, run.index)
      if (pos >= start && pos < start + run.count) return run.seq + (pos - start)
    }
    return undefined
  }

  /** Forgets runs entirely below queue seq `seq` (settled). */
  trimBelow(seq: number): void {
    while (this._head < this._runs.length) {
      const run = this._runs[this._head]!
      if (run.seq + run.count > seq) break
      this._head++
    }
    if (this._head > 64 && this._head * 2 > this._runs.length) {
      this._runs = this._runs.slice(this._head)
      this._head = 0
    }
  }
}
