/**
 * One gzip member built from independently compressed pieces (pigz's method), so several pieces compress at once
 * on the thread pool and a body's compressed size is known exactly before it is sealed.
 *
 * Each piece is raw deflate ended with Z_SYNC_FLUSH: byte-aligned, not final, no back-references outside itself.
 * Concatenated, such pieces are one valid deflate stream. The JSON array's `[`, `,` and `]` go between them as
 * tiny stored blocks (the last one final), and the CRC-32 of the whole text is combined from the pieces' CRCs
 * (RFC 1952 for the header and trailer; the combination is zlib's `crc32_combine`). Pure: no I/O.
 */
import { crc32 } from 'node:zlib'

/** Gzip header: magic, deflate, no flags, no mtime, no extra flags, OS "Unix" (as zlib writes it). */
const HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03])

/** A stored deflate block holding one byte; `final` marks the stream's last block. */
const storedByte = (byte: number, final: boolean): Buffer =>
  Buffer.from([final ? 0x01 : 0x00, 0x01, 0x00, 0xfe, 0xff, byte])

const OPEN = storedByte(0x5b, false) // [
const COMMA = storedByte(0x2c, false) // ,
const CLOSE = storedByte(0x5d, true) // ]
const TRAILER_BYTES = 8

/** Bytes a member adds around `pieces` compressed pieces: header, brackets, commas and trailer. */
export const memberOverhead = (pieces: number): number =>
  HEADER.length + OPEN.length + Math.max(0, pieces - 1) * COMMA.length + CLOSE.length + TRAILER_BYTES

// ---- CRC-32 combination (zlib's crc32_combine, on the reflected polynomial) ----

const POLY = 0xedb88320

/** (a · b) mod p over GF(2), both in zlib's reflected representation. */
const multModP = (a: number, b: number): number => {
  let m = 0x80000000
  let p = 0
  for (;;) {
    if ((a & m) !== 0) {
      p ^= b
      if ((a & (m - 1)) === 0) break
    }
    m >>>= 1
    b = (b & 1) !== 0 ? (b >>> 1) ^ POLY : b >>> 1
  }
  return p >>> 0
}

/** X2N[k] = x^(2^k) mod p. */
const X2N: readonly number[] = (() => {
  const table = [0x40000000] // x^1
  for (let k = 1; k < 32; k++) table.push(multModP(table[k - 1]!, table[k - 1]!))
  return table
})()

/** x^(n · 2^k) mod p. */
const x2nModP = (n: number, k: number): number => {
  let p = 0x80000000 // x^0
  while (n > 0) {
    if (n % 2 === 1) p = multModP(X2N[k & 31]!, p)
    n = Math.floor(n / 2)
    k++
  }
  return p
}

/** The CRC-32 of A followed by B, from crc(A), crc(B) and B's length in bytes. */
export const crc32Combine = (crcA: number, crcB: number, lengthB: number): number =>
  (multModP(x2nModP(lengthB, 3), crcA) ^ crcB) >>> 0

const CRC_OPEN = crc32('[')
const CRC_COMMA = crc32(',')
const CRC_CLOSE = crc32(']')

/** A compressed piece as the member needs it. */
export interface MemberPiece {
  /** Raw deflate of the piece's text, ended with Z_SYNC_FLUSH (or the text itself when `compressed` is false). */
  readonly data: Buffer
  /** CRC-32 of the piece's text. */
  readonly crc: number
  /** UTF-8 bytes of the piece's text. */
  readonly rawBytes: number
}

/** The JSON text's CRC-32 and length: `[` + pieces joined by `,` + `]`. */
export const memberChecksum = (pieces: readonly MemberPiece[]): { crc: number; rawBytes: number } => {
  let crc = CRC_OPEN
  let rawBytes = 1
  pieces.forEach((piece, i) => {
    if (i > 0) {
      crc = crc32Combine(crc, CRC_COMMA, 1)
      rawBytes += 1
    }
    crc = crc32Combine(crc, piece.crc, piece.rawBytes)
    rawBytes += piece.rawBytes
  })
  return { crc: crc32Combine(crc, CRC_CLOSE, 1), rawBytes: rawBytes + 1 }
}

/** The whole gzip member: a body of `memberOverhead(n) + Σ data` bytes. */
export const assembleMember = (pieces: readonly MemberPiece[]): Buffer => {
  const { crc, rawBytes } = memberChecksum(pieces)
  const trailer = Buffer.allocUnsafe(TRAILER_BYTES)
  trailer.writeUInt32LE(crc, 0)
  trailer.writeUInt32LE(rawBytes % 2 ** 32, 4)
  const parts: Buffer[] = [HEADER, OPEN]
  pieces.forEach((piece, i) => {
    if (i > 0) parts.push(COMMA)
    parts.push(piece.data)
  })
  parts.push(CLOSE, trailer)
  return Buffer.concat(parts)
}

/** The plain JSON array (no compression): `[` + pieces joined by `,` + `]`. */
export const assemblePlain = (pieces: readonly MemberPiece[]): Buffer => {
  const parts: Buffer[] = [Buffer.from('[')]
  pieces.forEach((piece, i) => {
    if (i > 0) parts.push(Buffer.from(','))
    parts.push(piece.data)
  })
  parts.push(Buffer.from(']'))
  return Buffer.concat(parts)
}
