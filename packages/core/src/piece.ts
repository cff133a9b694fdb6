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
  /** The text, until the piece is placed in a body. */
  text: Buffer | undefined
  /** The text deflated (or the text itself without compression), once ready. */
  data: Buffer
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

/**
 * Joins and encodes taken records (`timeSpan` overrides the span read from their times, for a piece's halves). ASCII text (most logs) is copied byte for byte (`latin1`), which costs a
 * fraction of UTF-8 encoding; any other text is encoded as UTF-8. The JSON is well-formed (the serialiser
 * replaces lone surrogates), so decoding gives the same strings back.
 */
export const cutPiece = (taken: Taken, timeSpan?: readonly [number, number]): Piece => {
  const text = taken.jsons.join(',')
  const bytes = Buffer.byteLength(text, 'utf8')
  const raw = bytes === text.length ? Buffer.from(text, 'latin1') : Buffer.from(text, 'utf8')
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
    text: raw,
    data: raw,
    crc: crc32(raw),
    rawBytes: raw.length,
  }
}

/** Splits decoded text back into records: `text` holds records of `lengths` separated by one character. */
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
  piece.text === undefined ? undefined : splitRecords(piece.text.toString('utf8'), piece.lengths)
