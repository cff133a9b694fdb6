/**
 * Appends frames to the spool's current segment. Records are collected during an event-loop turn and written
 * together when the turn's microtasks run: one `write(2)` per turn, not per record, and done before any I/O
 * callback (a request, a timer) can run. From then on the OS has them, and they survive `kill -9` of the process;
 * `fdatasync` runs when a segment is sealed (a machine crash can lose what the OS had not yet written back).
 */
import { closeSync, fdatasync, ftruncateSync, openSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { encodeFrames, SEGMENT_MAGIC, segmentFileName } from './format.js'

/** One segment file, ours or left over by an earlier process. */
export interface Segment {
  readonly id: number
  readonly path: string
  /** Bytes on disk (header included). */
  bytes: number
  /** Written by this process (records counted exactly), or found at start. */
  readonly leftover: boolean
  /** Own segments: records written or waiting to be; the index the next one gets. */
  nextIndex: number
  /** Own segments: records on disk. */
  flushedIndex: number
  /** Next record to read back into memory: byte offset and index. Records before it are in memory or settled. */
  loadOffset: number
  loadIndex: number
  /** No more records will be appended. */
  sealed: boolean
}

export interface PendingBatch {
  jsons: string[]
  times: number[]
  /** Per record: already in memory (written through), or on disk only (spilled). */
  inMemory: boolean[]
}

const emptyBatch = (): PendingBatch => ({ jsons: [], times: [], inMemory: [] })

export class SegmentWriter {
  private _fd: number
  private _pending = emptyBatch()
  private _pendingChars = 0
  private _scheduled = false

  /** Opens a new segment file and writes its header. Throws when the file cannot be created. */
  constructor(
    readonly segment: Segment,
    /** Called after each batch is on disk (`error` set when it could not be written: the batch is returned). */
    private readonly _onWritten: (batch: PendingBatch, error?: unknown) => void,
  ) {
    this._fd = openSync(segment.path, 'wx', 0o600)
    try {
      writeAll(this._fd, SEGMENT_MAGIC)
    } catch (error) {
      closeSync(this._fd)
      throw error
    }
    segment.bytes = SEGMENT_MAGIC.length
    segment.loadOffset = SEGMENT_MAGIC.length
  }

  static create(dir: string, id: number, onWritten: (batch: PendingBatch, error?: unknown) => void): SegmentWriter {
    const segment: Segment = {
      id,
      path: join(dir, segmentFileName(id)),
      bytes: 0,
      leftover: false,
      nextIndex: 0,
      flushedIndex: 0,
      loadOffset: 0,
      loadIndex: 0,
      sealed: false,
    }
    return new SegmentWriter(segment, onWritten)
  }

  /** Characters waiting to be written (an estimate of their bytes). */
  get pendingChars(): number {
    return this._pendingChars
  }

  /** Queues a record for this turn's write; returns its index in the segment. */
  append(json: string, time: number, inMemory: boolean): number {
    const p = this._pending
    p.jsons.push(json)
    p.times.push(time)
    p.inMemory.push(inMemory)
    this._pendingChars += json.length + 16
    if (!this._scheduled) {
      this._scheduled = true
      queueMicrotask(() => this.flush())
    }
    return this.segment.nextIndex++
  }

  /** Writes what is pending now (also called at the end of the turn). */
  flush(): void {
    this._scheduled = false
    const batch = this._pending
    if (batch.jsons.length === 0) return
    this._pending = emptyBatch()
    this._pendingChars = 0
    const s = this.segment
    const { data, ends } = encodeFrames(batch.jsons, batch.times)
    try {
      writeAll(this._fd, data)
    } catch (error) {
      // disk full or gone: leave no torn frame behind, then let the spool fall back to memory
      try {
        ftruncateSync(this._fd, s.bytes)
      } catch {
        // a torn tail is skipped, with a report, when the segment is read back
      }
      s.nextIndex = Math.max(s.flushedIndex, s.loadIndex)
      this._onWritten(batch, error)
      return
    }
    const start = s.bytes
    for (let i = 0; i < ends.length; i++) if (batch.inMemory[i]) s.loadOffset = start + ends[i]!
    s.bytes += data.length
    s.flushedIndex += batch.jsons.length
    this._onWritten(batch)
  }

  /** Writes what is pending, seals the segment and syncs it to disk in the background. */
  seal(): void {
    this.flush()
    this.segment.sealed = true
    const fd = this._fd
    this._fd = -1
    if (fd < 0) return
    fdatasync(fd, () => closeQuietly(fd))
  }

  /** Closes without syncing (a failed disk). */
  abandon(): void {
    this.segment.sealed = true
    if (this._fd >= 0) closeQuietly(this._fd)
    this._fd = -1
  }
}

/** `write(2)` until every byte is written (a short write happens when the disk fills up). */
export const writeAll = (fd: number, data: Buffer): void => {
  let at = 0
  while (at < data.length) at += writeSync(fd, data, at, data.length - at)
}

const closeQuietly = (fd: number): void => {
  try {
    closeSync(fd)
  } catch {
    // already closed, or the disk is gone: nothing left to do with it
  }
}
