/**
 * A piece: consecutive records joined into one text (`r1,r2,…`), encoded to UTF-8 once, compressed on its own.
 * Bodies are made of whole pieces. A piece keeps each record's length, so its records (and a body's) can be
 * read back from the text when they must be split, bisected or reported. Pure: no I/O.
 */
import { crc32 } from 'node:zlib'
import type { MemberPiece } from './gzip-member.js'
import type { Taken } from './record-queue.js'

export interface Piece extends MemberPiece {
  readonly firstSeq: number
  readonly count: number
  /** UTF-16 length of each record's JSON. */
  readonly lengths: Uint32Array
  /** Σ of the records' lengths (what the queue reserved for them). */
  readonly chars: number
  /** Earliest and latest `TimeGenerated` (NaN when not tracked). */
  readonly minTime: number
  readonly maxTime: number
  /** The records joined by commas, until the piece is placed in a body. */
  text: string | undefined
  /** Empty until `encodePiece()`; then the UTF-8 text, replaced by its deflate when compressed. */
  data: Buffer
  crc: number
  rawBytes: number
}

const span = (times: readonly number[] | undefined): [number, number] => {
  if (times === undefined) return [Number.NaN, Number.NaN]
  let min = Number.POSITIVE_INFINITY
  let max = Number.NEGATIVE_INFINITY
  for (const t of times) {
    if (Number.isNaN(t)) continue
    if (t < min) min = t
    if (t > max) max = t
  }
  return min <= max ? [min, max] : [Number.NaN, Number.NaN]
}

const NOTHING = Buffer.alloc(0)

/**
 * Joins taken records into a piece (`timeSpan` overrides the span read from their times, for a piece's halves).
 * The text stays a string until it is encoded: a long string lives outside the young generation's copying, so
 * pieces waiting for zlib cost the garbage collector almost nothing.
 */
export const cutPiece = (taken: Taken, timeSpan?: readonly [number, number]): Piece => {
  const lengths = new Uint32Array(taken.jsons.length)
  for (let i = 0; i < lengths.length; i++) lengths[i] = taken.jsons[i]!.length
  const [minTime, maxTime] = timeSpan ?? span(taken.times)
  return {
    firstSeq: taken.firstSeq,
    count: lengths.length,
    lengths,
    chars: taken.chars,
    minTime,
    maxTime,
    text: taken.jsons.join(','),
    data: NOTHING,
    crc: 0,
    rawBytes: 0,
  }
}

/** A new piece of `piece`'s records `from` to `to` (read back as `records`), over the piece's time span. */
export const cutPart = (piece: Piece, records: readonly string[], from: number, to: number): Piece => {
  const jsons = records.slice(from, to)
  let chars = 0
  for (const json of jsons) chars += json.length
  return cutPiece({ jsons, times: undefined, firstSeq: piece.firstSeq + from, chars }, [piece.minTime, piece.maxTime])
}

/**
 * Encodes the piece's text once, just before it is compressed. ASCII text (most logs) is copied byte for byte
 * (`latin1`), a fraction of the cost of UTF-8 encoding; any other text is encoded as UTF-8. The JSON is
 * well-formed (the serialiser replaces lone surrogates), so decoding gives the same strings back.
 */
export const encodePiece = (piece: Piece): Buffer => {
  const text = piece.text!
  const bytes = Buffer.byteLength(text, 'utf8')
  const raw = bytes === text.length ? Buffer.from(text, 'latin1') : Buffer.from(text, 'utf8')
  piece.data = raw
  piece.rawBytes = raw.length
  piece.crc = crc32(raw)
  return raw
}

/** Splits joined text back into records: `text` holds records of `lengths` separated by one character. */
export const splitRecords = (text: string, lengths: ArrayLike<number>, start = 0): string[] => {
  const records = new Array<string>(lengths.length)
  let at = start
  for (let i = 0; i < lengths.length; i++) {
    const n = lengths[i]!
    records[i] = text.slice(at, at + n)
    at += n + 1
  }
  return records
}

/** The records of a piece whose text is still at hand. */
export const pieceRecords = (piece: Piece): string[] | undefined =>
  piece.text === undefined ? undefined : splitRecords(piece.text, piece.lengths)
