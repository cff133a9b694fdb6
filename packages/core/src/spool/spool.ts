/**
 * The durable spool: every accepted record is appended to a segment file (in the turn it was pushed; see
 * SegmentWriter), read back into memory when it was spilled there or left by an earlier process, and forgotten
 * once delivered or dropped. A checkpoint records how far that is, so a restart replays only what was not
 * settled: at-least-once, with possible duplicates limited to records that were in requests.
 */
import { messageOf } from '../errors.js'
import type { RecordQueue } from '../record-queue.js'
import type { SpoolStats } from '../types.js'
import { CheckpointFile } from './checkpoint-file.js'
import { findLeftovers, lockDirectory, removeFile } from './directory.js'
import { type Checkpoint, position, segmentOf } from './format.js'
import { PositionRuns } from './runs.js'
import { SegmentReader } from './segment-reader.js'
import { type PendingBatch, type Segment, SegmentWriter } from './segment-writer.js'

export interface SpoolSettings {
  dir: string
  maxBytes: number
}

/** What the spool needs from the client. */
export interface SpoolHost {
  readonly queue: RecordQueue
  /** Seq the next record added to the queue gets. */
  nextSeq(): number
  /** `count` records (maybe none) were added to the queue from disk; the backlog may have changed. */
  loaded(count: number): void
  /** Seq of the oldest record neither delivered nor dropped (Infinity when none). */
  oldestPendingSeq(): number
  /** Every record up to this seq has been handed to a request (or settled). */
  handedThroughSeq(): number
  /** Records that were to wait on disk only, when the disk failed: the client keeps them in memory or drops them. */
  unspill(jsons: readonly string[], times: readonly number[]): void
  warn(message: string): void
}

export type AcceptResult = 'queued' | 'spilled' | 'memory'

/** Segment size: an eighth of the budget, so settled records are freed in steps of about that. */
const segmentBytesFor = (maxBytes: number): number =>
  Math.min(64 * 1024 * 1024, Math.max(64 * 1024, Math.floor(maxBytes / 8)))

export class Spool {
  private _state: 'disk' | 'memory' = 'disk'
  private _everFailed = false
  private _frozen = false
  private _closed = false
  private readonly _segments: Segment[] = []
  private readonly _readers = new Map<Segment, SegmentReader>()
  private _writer: SegmentWriter | undefined
  private _lockPath: string | undefined
  private _checkpoint: CheckpointFile | undefined
  private _last: Checkpoint = { unsettled: -1, unsent: -1 }
  private _replayFrom: Checkpoint | undefined
  private readonly _runs = new PositionRuns()
  private _bytes = 0
  /** Own records on disk only, not yet read back. */
  private _unloaded = 0
  private _loading = false
  private _flushes = 0
  /** Some leftover segment is not read back yet. */
  private _leftovers = false
  private readonly _segmentBytes: number
  private readonly _stats = {
    spilled: 0,
    replayed: 0,
    possibleDuplicates: 0,
    corrupt: 0,
    skippedBytes: 0,
    keptAtClose: 0,
  }

  constructor(
    private readonly _o: SpoolSettings,
    private readonly _host: SpoolHost,
  ) {
    this._segmentBytes = segmentBytesFor(_o.maxBytes)
    try {
      this._open()
    } catch (error) {
      this._fail(`the spool directory ${_o.dir} cannot be used (${messageOf(error)})`)
    }
  }

  /** On disk, or fallen back to memory (unwritable directory, disk full). */
  get state(): 'disk' | 'memory' {
    return this._state
  }

  /** True while every record this client accepted is also on disk (so records left at close are kept there). */
  get keepsEverything(): boolean {
    return this._state === 'disk' && !this._everFailed
  }

  private _open(): void {
    const dir = this._o.dir
    this._lockPath = lockDirectory(dir)
    const { leftovers, checkpoint, nextId } = findLeftovers(dir)
    for (const s of leftovers) {
      this._segments.push(s)
      this._bytes += s.bytes
    }
    if (leftovers.length > 0) this._replayFrom = checkpoint
    this._checkpoint = new CheckpointFile(dir)
    this._roll(nextId)
    this._leftovers = this._segments.some((s) => s.leftover)
    // until progress is recorded, nothing this process or the leftovers hold may count as settled
    const first = position(leftovers[0]?.id ?? nextId, 0)
    this._writeCheckpoint(
      leftovers.length > 0 && checkpoint !== undefined ? checkpoint : { unsettled: first, unsent: first },
    )
  }

  // ---- accepting records ----

  /**
   * Takes an accepted record: written through (`queued`: the client queues it as seq `seq`), on disk only
   * (`spilled`: memory is full, or older records wait on disk), or `memory` (the spool is full or failed: the
   * client handles it as without a spool).
   */
  accept(json: string, time: number, roomInMemory: boolean, seq: number): AcceptResult {
    const writer = this._writer
    if (this._state !== 'disk' || writer === undefined || this._frozen) return 'memory'
    const size = json.length + 16
    if (this._bytes + writer.pendingChars + size > this._o.maxBytes) return 'memory'
    const spill = !roomInMemory || this.hasBacklog
    let w = writer
    if (w.segment.bytes + w.pendingChars + size > this._segmentBytes && w.segment.nextIndex > 0) {
      w.seal()
      if (!this._roll(w.segment.id + 1)) return 'memory'
      w = this._writer!
    }
    const index = w.append(json, time, !spill)
    if (spill) {
      this._unloaded++
      this._stats.spilled++
      return 'spilled'
    }
    w.segment.loadIndex = index + 1
    this._runs.add(seq, w.segment.id, index)
    return 'queued'
  }

  /** Records wait on disk that are older than anything new (leftovers, or spilled ones). */
  get hasBacklog(): boolean {
    return this._unloaded > 0 || this._leftovers
  }

  private _roll(id: number): boolean {
    try {
      this._writer = SegmentWriter.create(this._o.dir, id, (batch, error) => this._written(batch, error))
    } catch (error) {
      this._writer = undefined
      this._fail(`a spool segment could not be created in ${this._o.dir} (${messageOf(error)})`)
      return false
    }
    this._segments.push(this._writer.segment)
    this._bytes += this._writer.segment.bytes
    return true
  }

  private _written(batch: PendingBatch, error: unknown): void {
    if (error === undefined) {
      let bytes = 0
      for (const s of this._segments) bytes += s.bytes
      this._bytes = bytes
      if (batch.inMemory.includes(false)) this.load()
      return
    }
    // spilled records of the failed batch exist nowhere else: hand them back to memory
    const jsons: string[] = []
    const times: number[] = []
    for (let i = 0; i < batch.jsons.length; i++) {
      if (batch.inMemory[i]) continue
      jsons.push(batch.jsons[i]!)
      times.push(batch.times[i]!)
    }
    this._unloaded -= jsons.length
    this._fail(`writing to the spool in ${this._o.dir} failed (${messageOf(error)})`)
    this._host.unspill(jsons, times)
  }

  private _fail(why: string): void {
    if (this._state === 'memory') return
    this._state = 'memory'
    this._everFailed = true
    this._writer?.abandon()
    this._host.warn(
      `${why}; records are kept in memory only from now on (bounded by maxBufferBytes/maxBufferRecords). Check the directory's permissions and free space, or raise spool.maxBytes.`,
    )
  }

  // ---- reading back ----

  /** Reads waiting records back into memory while there is room; one read at a time, off the event loop. */
  load(): void {
    if (this._loading || this._frozen || this._closed || !this.hasBacklog || !this._host.queue.hasRoom()) return
    const segment = this._segments.find((s) => (s.leftover ? s.loadOffset < s.bytes : s.loadIndex < s.flushedIndex))
    if (segment === undefined) return
    let reader = this._readers.get(segment)
    if (reader === undefined) {
      reader = new SegmentReader(segment)
      this._readers.set(segment, reader)
    }
    this._loading = true
    const first = this._host.nextSeq()
    let taken = 0
    reader
      .readSome(segment.bytes, {
        take: (json, time, s, index) => {
          if (this._frozen || this._closed || !this._host.queue.hasRoom(json.length)) return false
          const pos = position(s.id, index)
          const skip = this._replayFrom !== undefined && s.leftover && pos < this._replayFrom.unsettled
          if (skip) return true
          this._host.queue.add(json, time)
          this._runs.add(first + taken, s.id, index)
          taken++
          if (s.leftover) {
            this._stats.replayed++
            if (this._replayFrom !== undefined && pos < this._replayFrom.unsent) this._stats.possibleDuplicates++
          } else this._unloaded--
          return true
        },
        corrupt: (s, offset, why) => this._corrupt(s, offset, why),
      })
      .then(
        // a segment read to its end (or skipped as damaged) lets the next one start
        (progressed) => this._afterLoad(taken, progressed || segment.loadOffset >= segment.bytes),
        (error: unknown) => {
          this._corrupt(segment, segment.loadOffset, `it cannot be read (${messageOf(error)})`)
          this._afterLoad(taken, true)
        },
      )
  }

  private _afterLoad(taken: number, progressed: boolean): void {
    this._loading = false
    this._leftovers = this._segments.some((s) => s.leftover && s.loadOffset < s.bytes)
    this._host.loaded(taken)
    if (progressed) this.load()
    this.progress()
  }

  private _corrupt(s: Segment, offset: number, why: string): void {
    const skipped = s.bytes - offset
    this._stats.corrupt++
    this._stats.skippedBytes += Math.max(0, skipped)
    if (!s.leftover) {
      // our own records, lost on disk: count them
      this._unloaded -= s.flushedIndex - s.loadIndex
      s.loadIndex = s.flushedIndex
    }
    this._host.warn(
      `spool segment ${s.path} is damaged at byte ${offset}: ${why}. Its remaining ${Math.max(0, skipped)} bytes are skipped; the records before that are sent.`,
    )
  }

  // ---- progress: the checkpoint and freeing segments ----

  /** Position of the first record not yet read back (or the next to be written). */
  private _backlogHead(): number {
    for (const s of this._segments) {
      if (s.leftover ? s.loadOffset < s.bytes : s.loadIndex < s.nextIndex) return position(s.id, s.loadIndex)
    }
    const w = this._writer?.segment ?? this._segments[this._segments.length - 1]
    return w === undefined ? 0 : position(w.id, w.nextIndex)
  }

  /** After anything moved: reads back what now fits, records progress. */
  advance(): void {
    this.progress()
    this.load()
  }

  /** Records what is settled and sent (call after anything moved), and deletes settled segments. */
  progress(): void {
    if (this._frozen || this._closed || this._checkpoint?.open !== true) return
    const head = this._backlogHead()
    const oldest = this._host.oldestPendingSeq()
    let unsettled = Math.min(this._runs.positionAt(oldest) ?? head, head)
    let unsent = Math.max(unsettled, Math.min(this._runs.positionAt(this._host.handedThroughSeq() + 1) ?? head, head))
    const before = this._replayFrom
    if (before !== undefined) {
      // what the earlier process had settled stays settled, and what it may have delivered stays "maybe delivered"
      // until this process settles it: a crash now must replay no more than that, and count the same duplicates
      unsettled = Math.max(unsettled, before.unsettled)
      unsent = Math.max(unsent, unsettled, before.unsent)
    }
    if (unsettled === this._last.unsettled && unsent === this._last.unsent) return
    this._writeCheckpoint({ unsettled, unsent })
    if (Number.isFinite(oldest)) this._runs.trimBelow(oldest)
    const first = segmentOf(unsettled)
    while (this._segments.length > 0 && this._segments[0]!.id < first && this._segments[0]!.sealed) {
      this._delete(this._segments.shift()!)
    }
  }

  private _writeCheckpoint(cp: Checkpoint): void {
    try {
      this._checkpoint?.write(cp)
      this._last = cp
    } catch (error) {
      this._fail(`the spool checkpoint in ${this._o.dir} could not be written (${messageOf(error)})`)
    }
  }

  private _delete(s: Segment): void {
    this._bytes -= s.bytes
    const reader = this._readers.get(s)
    this._readers.delete(s)
    void reader?.close()
    try {
      removeFile(s.path)
    } catch (error) {
      this._host.warn(`spool segment ${s.path} could not be removed (${messageOf(error)})`)
    }
  }

  // ---- flush and close ----

  /** True while a flush() waits on records read back from disk (the client seals them as they arrive). */
  get flushing(): boolean {
    return this._flushes > 0
  }

  /**
   * For flush(): what waits on disk now must be read back and settled too. Undefined when nothing waits there;
   * else `settled()` to poll and `end()` when the flush returns.
   */
  waitForFlush(): { settled: () => boolean; end: () => void } | undefined {
    if (!this.hasBacklog) return undefined
    const w = this._writer?.segment
    const target = w !== undefined && w.nextIndex > 0 ? position(w.id, w.nextIndex - 1) : this._backlogHead()
    this._flushes++
    let ended = false
    return {
      settled: () => this._settledThrough(target),
      end: () => {
        if (!ended) this._flushes--
        ended = true
      },
    }
  }

  /** Whether the record at `target` has been read back and settled. */
  private _settledThrough(target: number): boolean {
    // a target that never reached the disk (the write failed) was handed back to memory: flush's own seq covers it
    if (this.hasBacklog && this._backlogHead() <= target) return false
    const seq = this._runs.seqOf(target)
    return seq === undefined || this._host.oldestPendingSeq() > seq
  }

  get frozen(): boolean {
    return this._frozen
  }

  /** From now on nothing more is read back or marked settled: what is still pending stays for the next start. */
  freeze(): void {
    if (this._frozen) return
    this.progress()
    this._frozen = true
  }

  /** Records left in the spool at close (counted by the client's drop reporter). */
  kept(count: number): void {
    this._stats.keptAtClose += count
  }

  /** Writes what is pending, releases files and the lock; an empty spool leaves an empty directory. */
  close(): void {
    if (this._closed) return
    this.progress()
    this._writer?.seal()
    this._stats.keptAtClose += this._unloaded
    const empty = !this._everFailed && !this.hasBacklog && this._last.unsettled >= this._backlogHead()
    this._closed = true
    for (const reader of this._readers.values()) void reader.close()
    this._readers.clear()
    if (empty) for (const s of this._segments.splice(0)) this._delete(s)
    this._checkpoint?.close(empty)
    if (this._lockPath !== undefined) removeFile(this._lockPath)
  }

  stats(): SpoolStats {
    return {
      dir: this._o.dir,
      state: this._state,
      bytes: this._bytes,
      segments: this._segments.length,
      ...this._stats,
    }
  }
}
