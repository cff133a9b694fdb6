/**
 * The streaming pipeline: queue → pieces (joined and encoded on the event loop) → deflated on the thread pool,
 * several at once → bodies filled in push order right up to the caps → sends, `concurrency` at a time.
 * Nothing awaits per record: `pump()` is synchronous and cheap, and zlib and HTTP completions drive it again.
 * Pieces are cut as soon as there is one; they are compressed only while a send slot would take the result, so
 * an outage leaves the backlog in the bounded buffer as cut pieces rather than in compressed bodies nobody sends.
 */
import { type Body, bodyRecordsSync, OpenBody } from './body.js'
import { DeflateLane } from './compress.js'
import type { Batch, Delivery } from './delivery.js'
import { debug, publish } from './diagnostics.js'
import type { DropInfo, DropRecords, DropReporter } from './drops.js'
import { messageOf } from './errors.js'
import { memberOverhead } from './gzip-member.js'
import { compressPiece, fitPiece, type PackOptions } from './packer.js'
import { cutPart, cutPiece, type Piece, pieceRecords } from './piece.js'
import type { RecordQueue } from './record-queue.js'
import type { DropReason } from './types.js'

/** A piece on its way through zlib; bodies take pieces strictly in push order. */
interface Job {
  readonly piece: Piece
  /** Cut and waiting for a compression slot, compressing, or finished. */
  state: 'waiting' | 'running' | 'done' | 'failed'
  /** The piece as sent, or its parts when it was too large for one body. */
  pieces: Piece[]
  /** Records that fit no body even alone. */
  tooLarge: string[]
  error?: unknown
}

export interface PipelineOptions {
  pack: PackOptions
  /** Requests in flight at once. */
  concurrency: number
  /** Pieces compressing at once. */
  parallelism: number
}

/**
 * Pieces per body: coarse, because each piece costs a turn of the event loop to compress, while pieces sized to
 * the room left fill the end of a body to within a few percent of the cap.
 */
const PIECES_PER_BODY = 8
/** Until a piece is measured the ratio is a guess: smaller pieces keep a wrong guess from costing fill. */
const FIRST_PIECES_PER_BODY = 32
const MIN_PIECE_CHARS = 256
const MAX_PIECE_CHARS = 1024 * 1024
/** Bytes a piece adds besides its data: a separator block and the sync-flush marker. */
const PIECE_OVERHEAD = 11
/** A full body ends at least this full: a piece that would leave it emptier is cut again to fill it. */
const FILL_FLOOR = 0.92
/** Share of the room left a piece cut again aims at (its parts compress a little worse than the whole). */
const REFIT_MARGIN = 0.9
const MAX_REFITS = 2
/** Compression ratio assumed before the first piece is measured (JSON logs compress 5–10× at level 1–6). */
const INITIAL_RATIO = 4

export class Pipeline {
  private readonly _jobs: Job[] = []
  /** Σ over `_jobs`: records, and bytes of text (an estimate until a piece is encoded). */
  private _jobRecords = 0
  private _jobTextBytes = 0
  private _open: OpenBody | undefined
  private readonly _ready: Body[] = []
  private readonly _inFlight = new Set<Batch>()
  private _active = 0
  private _sealTarget = 0
  private _ratio = INITIAL_RATIO
  /** Whether `_ratio` comes from a compressed piece yet. */
  private _measured = false
  /** Pieces cut again to fill the open body. */
  private _refits = 0
  private _stopped = false
  /** Deflate streams kept open between pieces, one per compression slot. */
  private readonly _lanes: DeflateLane[] = []

  constructor(
    private readonly _queue: RecordQueue,
    private readonly _o: PipelineOptions,
    private readonly _delivery: Delivery,
    private readonly _drops: DropReporter,
    /** Called whenever records may have settled or left the queue (waiters re-check). */
    private readonly _onChange: () => void,
  ) {}

  /** Seal and send everything up to `seq` without waiting for bodies to fill (flush, linger). */
  sealUpTo(seq: number): void {
    this._sealTarget = Math.max(this._sealTarget, seq)
  }

  /** The oldest record not yet delivered or dropped (Infinity when none is pending). */
  oldestPendingSeq(): number {
    let oldest = this._queue.length > 0 ? this._queue.headSeq : Number.POSITIVE_INFINITY
    const job = this._jobs[0]
    if (job !== undefined) oldest = Math.min(oldest, job.piece.firstSeq)
    const open = this._open?.firstSeq
    if (open !== undefined) oldest = Math.min(oldest, open)
    const ready = this._ready[0]
    if (ready !== undefined) oldest = Math.min(oldest, ready.firstSeq)
    for (const batch of this._inFlight) if (batch.remaining > 0) oldest = Math.min(oldest, batch.firstSeq)
    return oldest
  }

  /** Records taken from the queue and not yet in a request (compressing, in a body being filled, or ready). */
  get packingRecords(): number {
    let n = (this._open?.count ?? 0) + this._jobRecords
    for (const body of this._ready) n += body.count
    return n
  }

  /** No compression and no request under way. */
  get idle(): boolean {
    return this._active === 0 && this._jobs.every((job) => job.state !== 'running')
  }

  /**
   * Drops the oldest piece that is cut but not yet compressing, for `drop-oldest` (those records are older than
   * anything in the queue). Returns false when there is none.
   */
  evictOldestWaiting(): boolean {
    const i = this._jobs.findIndex((job) => job.state === 'waiting')
    if (i < 0) return false
    const job = this._removeJob(i)
    this._discardPiece(job.piece, 'buffer-full', {
      retriable: true,
      detail: 'the buffer is full and overflow is "drop-oldest": the oldest queued records made room',
    })
    return true
  }

  /** Advances every stage as far as it can now. Synchronous; never throws. */
  pump(): void {
    if (this._stopped) return
    try {
      this._assemble()
      this._startSends()
      this._cut()
      this._compress()
      this._startSends()
    } catch (error) {
      // a bug of ours: records stay where they are and are reported at close() at the latest
      const message = `internal error in the pipeline: ${messageOf(error)}`
      publish('warning', () => ({ message }))
      debug(() => message)
    }
  }

  /**
   * Ends the pipeline (close, after the shutdown signal ended every send and every compression finished) and
   * reports what never left as `shutdown-timeout`.
   */
  stop(detail: string): void {
    this._stopped = true
    for (const lane of this._lanes.splice(0)) lane.close()
    this._assemble()
    if (this._open !== undefined && this._open.count > 0) this._ready.push(this._open.seal(false))
    this._open = undefined
    const report = (records: DropRecords) =>
      this._drops.report('shutdown-timeout', records, { retriable: true, detail })
    // pieces still waiting for a compression slot
    while (this._jobs.length > 0)
      this._discardPiece(this._removeJob(0).piece, 'shutdown-timeout', { retriable: true, detail })
    for (const body of this._ready.splice(0)) {
      this._queue.release(body.heldBytes, body.count)
      report({ count: body.count, read: () => bodyRecordsSync(body) })
    }
    report(this._queue.drain().jsons)
  }

  // ---- stages ----

  /**
   * Target size of the next piece, from the compression ratio measured so far: an 8th of a body, or, near the
   * end of the body being filled, half the room left. Halving ends a full body within a small piece of the cap
   * even when a piece compresses up to twice worse than the running ratio predicts.
   */
  private _pieceChars(): number {
    const p = this._o.pack
    const ratio = p.compression === 'gzip' ? this._ratio : 1
    const pieces = this._measured || p.compression !== 'gzip' ? PIECES_PER_BODY : FIRST_PIECES_PER_BODY
    const share = p.maxRequestBytes / pieces
    const room = this._roomForBytes(ratio)
    const compressed = room >= 2 * share ? share : room / 2
    const target = compressed * ratio
    return Math.round(Math.max(MIN_PIECE_CHARS, Math.min(target, MAX_PIECE_CHARS, p.maxUncompressedBytes / 4)))
  }

  /**
   * Bytes as sent still free in the body the next piece will join: the pieces ahead of it fill the open body and,
   * at their estimated compressed size, maybe further ones.
   */
  private _roomForBytes(ratio: number): number {
    const body = this._o.pack.maxRequestBytes - memberOverhead(1)
    // each further piece costs its data plus a separator and, deflated, a full-flush marker
    const open = this._open === undefined ? 0 : this._open.sentBytes - memberOverhead(1)
    const used = open + this._jobTextBytes / ratio + this._jobs.length * PIECE_OVERHEAD
    return body - (used % body) - PIECE_OVERHEAD
  }

  /**
   * Cuts pieces from the queue as soon as it holds one (or a flush is due): queued records then wait as one long
   * string per piece, which V8 keeps outside its young generation, instead of thousands of short strings the
   * garbage collector keeps copying.
   */
  private _cut(): void {
    const q = this._queue
    const p = this._o.pack
    while (q.length > 0) {
      const target = this._pieceChars()
      const room = this._roomForRecords()
      const due = q.headSeq <= this._sealTarget
      if (!due && q.chars < target && q.length < room) return
      const taken = q.take({ chars: target, records: room, timeSpanMs: p.maxTimeSpanMs })
      q.reserve(taken.chars, taken.jsons.length)
      this._addJobs([cutPiece(taken)], false)
    }
  }

  /** Queues pieces for compression, behind the others or (pieces cut again) ahead of them. */
  private _addJobs(pieces: readonly Piece[], first: boolean): void {
    const jobs = pieces.map((piece): Job => ({ piece, state: 'waiting', pieces: [], tooLarge: [] }))
    if (first) this._jobs.unshift(...jobs)
    else this._jobs.push(...jobs)
    for (const piece of pieces) {
      this._jobRecords += piece.count
      // the text's length is its size in bytes for ASCII, a fair estimate otherwise
      this._jobTextBytes += piece.chars + piece.count - 1
    }
  }

  /** Starts compressing waiting pieces, in order, while a send would take the result. */
  private _compress(): void {
    let running = 0
    for (const job of this._jobs) {
      // one sealed body waiting for a send slot is enough lookahead; the rest waits as cut pieces
      if (running >= this._o.parallelism || this._ready.length > 0) return
      if (job.state === 'running') running++
      else if (job.state === 'waiting') {
        this._start(job)
        running++
      }
    }
  }

  /**
   * Records the next piece may hold so that, when the record cap is what limits bodies, pieces end where a body
   * must: the open body plus the pieces compressing go into one body unless size seals it first.
   */
  private _roomForRecords(): number {
    const max = this._o.pack.maxRecordsPerRequest
    return max - (((this._open?.count ?? 0) + this._jobRecords) % max)
  }

  private _start(job: Job): void {
    const piece = job.piece
    job.state = 'running'
    const gzip = this._o.pack.compression === 'gzip'
    let lane = gzip ? this._lanes.pop() : undefined
    if (gzip && (lane === undefined || !lane.usable)) lane = new DeflateLane(this._o.pack.compressionLevel)
    compressPiece(piece, this._o.pack, lane)
      .then((compressed) => fitPiece(compressed, this._o.pack))
      .then(
        (fitted) => {
          job.state = 'done'
          job.pieces = fitted.pieces
          job.tooLarge = fitted.tooLarge
          if (piece.data.length > 0 && this._o.pack.compression === 'gzip') {
            const ratio = piece.rawBytes / piece.data.length
            // the first measurement replaces the guess; later ones move the average
            this._ratio = this._measured ? this._ratio * 0.8 + ratio * 0.2 : ratio
            this._measured = true
          }
        },
        (error: unknown) => {
          job.state = 'failed'
          job.error = error
        },
      )
      .finally(() => {
        if (lane?.usable && !this._stopped) this._lanes.push(lane)
        else lane?.close()
        this.pump()
        this._onChange()
      })
  }

  /** Places finished pieces into bodies in push order; seals a body when full or when a flush is due. */
  private _assemble(): void {
    while (this._jobs.length > 0 && (this._jobs[0]!.state === 'done' || this._jobs[0]!.state === 'failed')) {
      const job = this._removeJob(0)
      if (job.state === 'failed') {
        // zlib failed (out of memory?): report what the piece held rather than lose it silently
        this._discardPiece(job.piece, 'http-error', {
          detail: `compression failed: ${messageOf(job.error)}`,
          cause: job.error,
        })
        continue
      }
      for (const record of job.tooLarge) {
        this._queue.release(record.length, 1)
        this._drops.report('record-too-large', [record], {
          detail: `one record of ${Buffer.byteLength(record)} bytes does not fit in ${this._o.pack.maxRequestBytes} bytes even compressed`,
        })
      }
      const parts = job.pieces.length === 1 ? this._cutToFill(job.pieces[0]!) : undefined
      if (parts !== undefined) {
        // compressed again first: the first part ends the open body, the second starts the next one
        this._addJobs(parts, true)
        break
      }
      for (const piece of job.pieces) this._place(piece)
    }
    const open = this._open
    if (open === undefined || open.count === 0) return
    const next = this._jobs[0]?.piece.firstSeq ?? (this._queue.length > 0 ? this._queue.headSeq : Infinity)
    if (open.firstSeq! <= this._sealTarget && next > this._sealTarget) this._seal(false)
  }

  /**
   * A compressed piece that would leave the open body under `FILL_FLOOR` of the cap, cut in two so that the first
   * part fills it (sized from this piece's own ratio, with a margin); else undefined. The estimates that size
   * pieces ahead of compression can be off by more than a piece (a new ratio, many pieces ahead), and this keeps
   * full bodies full whatever they were. At most `MAX_REFITS` per body, so a cap other than size cannot loop.
   */
  private _cutToFill(piece: Piece): [Piece, Piece] | undefined {
    const open = this._open
    const cap = this._o.pack.maxRequestBytes
    if (open === undefined || open.count === 0 || piece.count < 2 || this._refits >= MAX_REFITS) return undefined
    if (open.sentBytes >= FILL_FLOOR * cap || open.fits(piece)) return undefined
    const records = pieceRecords(piece)
    if (records === undefined) return undefined
    const budget = (cap - open.sentBytes - PIECE_OVERHEAD) * (piece.rawBytes / piece.data.length) * REFIT_MARGIN
    let k = 0
    let bytes = 0
    while (k < records.length - 1 && bytes + piece.lengths[k]! + 1 <= budget) bytes += piece.lengths[k++]! + 1
    if (k === 0) return undefined
    this._refits++
    return [cutPart(piece, records, 0, k), cutPart(piece, records, k, records.length)]
  }

  private _removeJob(index: number): Job {
    const [job] = this._jobs.splice(index, 1)
    this._jobRecords -= job!.piece.count
    this._jobTextBytes -= job!.piece.chars + job!.piece.count - 1
    return job!
  }

  /** Reports a piece's records (read back from its text only if onDrop wants them) and frees its reservation. */
  private _discardPiece(piece: Piece, reason: DropReason, info: DropInfo): void {
    this._queue.release(piece.chars, piece.count)
    this._drops.report(reason, { count: piece.count, read: () => pieceRecords(piece) ?? [] }, info)
  }

  private _place(piece: Piece): void {
    if (this._open !== undefined && this._open.count > 0 && !this._open.fits(piece)) this._seal(true)
    this._open ??= new OpenBody(this._o.pack)
    // from here the piece holds only its compressed data: that is what the buffer counts
    this._queue.release(piece.chars, 0)
    this._queue.reserve(piece.data.length, 0)
    this._open.add(piece)
    if (this._open.isFull) this._seal(true)
  }

  private _seal(full: boolean): void {
    this._ready.push(this._open!.seal(full))
    this._open = undefined
    this._refits = 0
  }

  private _startSends(): void {
    while (this._ready.length > 0 && this._active < this._o.concurrency && !this._stopped) {
      const body = this._ready.shift()!
      this._queue.release(body.heldBytes, body.count)
      const batch: Batch = { firstSeq: body.firstSeq, remaining: body.count }
      this._inFlight.add(batch)
      this._active++
      void this._delivery.deliver(body, batch).finally(() => {
        this._inFlight.delete(batch)
        this._active--
        this.pump()
        this._onChange()
      })
    }
  }
}
