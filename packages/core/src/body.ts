/**
 * Request bodies made of whole pieces, packed in order up to the caps *as sent*. A piece's compressed size is
 * exact once it is deflated, so a body is filled right up to `maxRequestBytes` and never past it. Pure.
 */
import { bodyText, bodyTextSync } from './compress.js'
import { assembleMember, assemblePlain, memberOverhead } from './gzip-member.js'
import { type Piece, splitRecords } from './piece.js'

export interface BodyLimits {
  /** Cap of the body as sent (gzip bytes when compressed). */
  maxRequestBytes: number
  /** Cap of the JSON text before compression, counting brackets and commas. */
  maxUncompressedBytes: number
  maxRecordsPerRequest: number
  /** Largest `TimeGenerated` span in one body; 0 = no limit. */
  maxTimeSpanMs: number
  compression: 'gzip' | 'none'
}

/** One request body, ready to send. */
export interface Body {
  /** The bytes to send. */
  readonly payload: Buffer
  readonly encoding: 'gzip' | 'identity'
  readonly firstSeq: number
  readonly count: number
  /** JSON bytes before compression, counting brackets and commas. */
  readonly rawBytes: number
  /** Bytes of its pieces' data: what the body holds in memory (and the buffer counts) until it is sent. */
  readonly heldBytes: number
  /** Sealed because the next piece would not have fit. */
  readonly full: boolean
  /** Each record's JSON length, in order (to read the records back). */
  readonly lengths: readonly Uint32Array[]
}

/** Bytes of a body of `pieces` pieces whose deflated data add up to `dataBytes`. */
const sizeAsSent = (limits: BodyLimits, pieces: number, dataBytes: number): number =>
  limits.compression === 'gzip' ? memberOverhead(pieces) + dataBytes : dataBytes + pieces + 1

/** A body being filled. */
export class OpenBody {
  private readonly _pieces: Piece[] = []
  private _dataBytes = 0
  private _rawBytes = 0
  private _count = 0
  private _minTime = Number.POSITIVE_INFINITY
  private _maxTime = Number.NEGATIVE_INFINITY

  constructor(private readonly _limits: BodyLimits) {}

  get count(): number {
    return this._count
  }

  get pieces(): readonly Piece[] {
    return this._pieces
  }

  get firstSeq(): number | undefined {
    return this._pieces[0]?.firstSeq
  }

  /** Bytes the body would have as sent, sealed now. */
  get sentBytes(): number {
    return sizeAsSent(this._limits, this._pieces.length, this._dataBytes)
  }

  /** Whether `piece` fits in this body under every cap. */
  fits(piece: Piece): boolean {
    const l = this._limits
    const n = this._pieces.length
    if (this._count + piece.count > l.maxRecordsPerRequest) return false
    if (this._rawBytes + piece.rawBytes + n + 2 > l.maxUncompressedBytes) return false
    if (sizeAsSent(l, n + 1, this._dataBytes + piece.data.length) > l.maxRequestBytes) return false
    if (l.maxTimeSpanMs > 0 && n > 0 && !Number.isNaN(piece.minTime)) {
      const min = Math.min(this._minTime, piece.minTime)
      const max = Math.max(this._maxTime, piece.maxTime)
      if (max - min > l.maxTimeSpanMs) return false
    }
    return true
  }

  /** True when no further record could join (the record cap is reached). */
  get isFull(): boolean {
    return this._count >= this._limits.maxRecordsPerRequest
  }

  add(piece: Piece): void {
    this._pieces.push(piece)
    this._dataBytes += piece.data.length
    this._rawBytes += piece.rawBytes
    this._count += piece.count
    if (!Number.isNaN(piece.minTime)) {
      this._minTime = Math.min(this._minTime, piece.minTime)
      this._maxTime = Math.max(this._maxTime, piece.maxTime)
    }
    // the text is only needed again if the piece cannot be placed; the body can be read back from its payload
    piece.text = undefined
  }

  seal(full: boolean): Body {
    const gzip = this._limits.compression === 'gzip'
    const payload = gzip ? assembleMember(this._pieces) : assemblePlain(this._pieces)
    return {
      payload,
      encoding: gzip ? 'gzip' : 'identity',
      firstSeq: this._pieces[0]!.firstSeq,
      count: this._count,
      rawBytes: this._rawBytes + this._pieces.length + 1,
      heldBytes: this._dataBytes,
      full,
      lengths: this._pieces.map((p) => p.lengths),
    }
  }
}

/** Whether a piece fits even in an empty body. */
export const fitsAlone = (limits: BodyLimits, piece: Piece): boolean => new OpenBody(limits).fits(piece)

const recordsOf = (text: string, body: Body): string[] => {
  const records: string[] = []
  let at = 1 // after '['
  for (const lengths of body.lengths) {
    const part = splitRecords(text, lengths, at)
    for (const r of part) records.push(r)
    for (const n of lengths) at += n + 1
  }
  return records
}

/** A body's records as JSON text, read back from its payload. */
export const bodyRecords = async (body: Body): Promise<string[]> =>
  recordsOf(await bodyText(body.payload, body.encoding), body)

/** The same, synchronously (a gunzip of at most one request on the caller's thread). */
export const bodyRecordsSync = (body: Body): string[] => recordsOf(bodyTextSync(body.payload, body.encoding), body)
