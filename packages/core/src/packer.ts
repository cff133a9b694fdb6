/**
 * Serialised records → request bodies under the cap *as sent*, filled as close to it as the data allows,
 * each record compressed once. With gzip the compressed size is tracked as it grows: a record is appended
 * while a worst-case bound (exact size at the last sync flush + stored-block size of everything since + the
 * gzip trailer) stays under the cap; when the bound would pass it, one Z_SYNC_FLUSH measures exactly and the
 * bound tightens. Flushes are needed only near the cap, so bodies end within about one record of it.
 */
import type { Entry } from './buffer.js'
import { StreamingGzip } from './gzip.js'

export interface PackLimits {
  /** Cap of the body as sent (gzip bytes when compressed). */
  maxRequestBytes: number
  /** Cap of the JSON text before compression, counting brackets and commas. */
  maxUncompressedBytes: number
  maxRecordsPerRequest: number
  /** Largest `TimeGenerated` span in one body; 0 = no limit. */
  maxTimeSpanMs: number
  compression: 'gzip' | 'none'
  compressionLevel: number
}

/** One request body, ready to send. */
export interface PackedBody {
  /** The bytes to send. */
  readonly payload: Buffer
  readonly entries: readonly Entry[]
  /** JSON bytes before compression, counting brackets and commas. */
  readonly rawBytes: number
  readonly encoding: 'gzip' | 'identity'
  /** Sealed because the next record would not have fit under `maxRequestBytes`. */
  readonly full: boolean
}

/** What `tryAdd` decided. */
export type AddOutcome =
  /** Appended. */
  | 'added'
  /** Call `await sync()` to measure exactly, then try again. */
  | 'measure'
  /** The body cannot take this record: seal it and start another. */
  | 'full'
  /** The body is empty and the record may still fit alone: call `await addAlone()`. */
  | 'alone'

const STORED_BLOCK = 16_000
/** Gzip header (10) + trailer (8) + the final block's header and padding, with slack. */
const GZIP_OVERHEAD = 32
const WRITE_CHUNK = 64 * 1024

/** Worst-case deflate output for `n` new bytes: stored blocks, 5 bytes of header each. */
export const storedBound = (n: number): number => n + 5 * (Math.ceil(n / STORED_BLOCK) + 1)

/** Incrementally built request body. Create one per body; not reusable. */
export class BodyBuilder {
  private readonly _entries: Entry[] = []
  private readonly _gzip: StreamingGzip | undefined
  private _raw = 1 // '['
  private _pending: string[] = ['[']
  private _pendingBytes = 1
  /** Raw bytes written since the last sync (whose output size is not known exactly). */
  private _unmeasured = 1
  private _measured = 0
  private _minTime = Number.POSITIVE_INFINITY
  private _maxTime = Number.NEGATIVE_INFINITY
  private _full = false

  constructor(private readonly _limits: PackLimits) {
    this._gzip = _limits.compression === 'gzip' ? new StreamingGzip(_limits.compressionLevel) : undefined
  }

  get count(): number {
    return this._entries.length
  }

  get rawBytes(): number {
    return this._raw
  }

  /** The first record, when there is one. */
  get first(): Entry | undefined {
    return this._entries[0]
  }

  /** The body cannot take more records (a record was refused for size). */
  get isFull(): boolean {
    return this._full
  }

  tryAdd(entry: Entry): AddOutcome {
    const l = this._limits
    const empty = this._entries.length === 0
    const extra = (empty ? 0 : 1) + entry.bytes
    if (this._entries.length >= l.maxRecordsPerRequest) return 'full'
    if (this._raw + extra + 1 > l.maxUncompressedBytes) return empty ? 'alone' : 'full'
    if (l.maxTimeSpanMs > 0 && entry.time !== undefined) {
      const min = Math.min(this._minTime, entry.time)
      const max = Math.max(this._maxTime, entry.time)
      if (!empty && max - min > l.maxTimeSpanMs) return 'full'
    }
    if (this._fitsUnderCap(extra)) {
      this._append(entry, extra)
      return 'added'
    }
    if (this._unmeasured > 0 && this._gzip !== undefined) return 'measure'
    if (empty) return 'alone'
    this._full = true
    return 'full'
  }

  /** Measures the exact compressed size so far (one Z_SYNC_FLUSH). */
  async sync(): Promise<void> {
    if (this._gzip === undefined) return
    this._writePending()
    await this._gzip.sync()
    this._measured = this._gzip.outputBytes
    this._unmeasured = 0
  }

  /**
   * Adds a record to an empty body that the bound refused, and measures: a large but compressible record may
   * still fit. Returns false when it does not: the builder is then unusable and the record is too large.
   */
  async addAlone(entry: Entry): Promise<boolean> {
    if (this._entries.length > 0) throw new Error('addAlone needs an empty body')
    if (1 + entry.bytes + 1 > this._limits.maxUncompressedBytes) return false
    this._append(entry, entry.bytes)
    if (this._gzip === undefined) return this._raw + 1 <= this._limits.maxRequestBytes
    await this.sync()
    return this._measured + storedBound(1) + GZIP_OVERHEAD <= this._limits.maxRequestBytes
  }

  /** Seals the body. `full` says whether it was sealed because it could take no more. */
  async finish(full = this._full): Promise<PackedBody> {
    this._pending.push(']')
    this._pendingBytes += 1
    this._raw += 1
    const tail = Buffer.from(this._pending.join(''), 'utf8')
    this._pending = []
    const payload = this._gzip === undefined ? tail : await this._gzip.end(tail)
    return { payload, entries: this._entries, rawBytes: this._raw, encoding: this._gzip ? 'gzip' : 'identity', full }
  }

  /** Releases zlib resources of a body that will not be sent. */
  discard(): Entry[] {
    this._gzip?.destroy()
    return this._entries
  }

  private _fitsUnderCap(extra: number): boolean {
    const cap = this._limits.maxRequestBytes
    // +1 for the closing bracket
    if (this._gzip === undefined) return this._raw + extra + 1 <= cap
    return this._measured + storedBound(this._unmeasured + extra + 1) + GZIP_OVERHEAD <= cap
  }

  private _append(entry: Entry, extra: number): void {
    if (this._entries.length > 0) this._pending.push(',')
    this._pending.push(entry.json)
    this._entries.push(entry)
    this._raw += extra
    this._pendingBytes += extra
    this._unmeasured += extra
    if (entry.time !== undefined) {
      this._minTime = Math.min(this._minTime, entry.time)
      this._maxTime = Math.max(this._maxTime, entry.time)
    }
    // hand zlib sizeable chunks: one thread-pool job per 64 KiB, not per record
    if (this._gzip !== undefined && this._pendingBytes >= WRITE_CHUNK) this._writePending()
  }

  private _writePending(): void {
    if (this._pending.length === 0 || this._gzip === undefined) return
    this._gzip.write(Buffer.from(this._pending.join(''), 'utf8'))
    this._pending = []
    this._pendingBytes = 0
  }
}

export interface PackResult {
  bodies: PackedBody[]
  /** Records that do not fit a request even alone. */
  tooLarge: Entry[]
}

/**
 * Adds one entry to a builder, measuring when needed. Returns 'added', 'full' (seal and retry the entry in a
 * new body) or 'too-large' (the entry can never be sent; the builder is then spent).
 */
export const addEntry = async (builder: BodyBuilder, entry: Entry): Promise<'added' | 'full' | 'too-large'> => {
  for (;;) {
    const outcome = builder.tryAdd(entry)
    if (outcome === 'added') return 'added'
    if (outcome === 'full') return 'full'
    if (outcome === 'measure') {
      await builder.sync()
      continue
    }
    return (await builder.addAlone(entry)) ? 'added' : 'too-large'
  }
}

/** Packs a list of entries into bodies, in order. Used for splitting after 413/400, and by tests. */
export const packEntries = async (entries: readonly Entry[], limits: PackLimits): Promise<PackResult> => {
  const bodies: PackedBody[] = []
  const tooLarge: Entry[] = []
  let builder = new BodyBuilder(limits)
  for (const entry of entries) {
    let outcome = await addEntry(builder, entry)
    if (outcome === 'full') {
      bodies.push(await builder.finish(true))
      builder = new BodyBuilder(limits)
      outcome = await addEntry(builder, entry)
    }
    if (outcome === 'too-large') {
      builder.discard()
      tooLarge.push(entry)
      builder = new BodyBuilder(limits)
    }
  }
  if (builder.count > 0) bodies.push(await builder.finish(false))
  else builder.discard()
  return { bodies, tooLarge }
}
