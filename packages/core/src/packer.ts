/**
 * Records → pieces → compressed → request bodies, in order, each under the caps as sent. The client's pipeline
 * streams through the same steps; `packRecords` runs them on a given list (413 splits, 400 bisection, tests).
 */
import { type Body, type BodyLimits, fitsAlone, OpenBody } from './body.js'
import { type DeflateLane, deflatePiece } from './compress.js'
import { cutPart, cutPiece, encodePiece, type Piece, pieceRecords } from './piece.js'

export interface PackOptions extends BodyLimits {
  /** zlib level 1–9. */
  compressionLevel: number
  /** Target size of one piece, in characters of JSON. */
  pieceChars: number
}

/**
 * Encodes a piece's text and deflates it (without compression, the encoded text is what is sent), on `lane` when
 * given, else with a one-off stream.
 */
export const compressPiece = async (piece: Piece, options: PackOptions, lane?: DeflateLane): Promise<Piece> => {
  const raw = encodePiece(piece)
  if (options.compression === 'gzip')
    piece.data = lane === undefined ? await deflatePiece(raw, options.compressionLevel) : await lane.deflate(raw)
  return piece
}

/**
 * Makes a compressed piece sendable: a piece too large for an empty body is halved (and each half compressed)
 * until every part fits; a single record that does not fit even alone is returned in `tooLarge`.
 */
export const fitPiece = async (
  piece: Piece,
  options: PackOptions,
): Promise<{ pieces: Piece[]; tooLarge: string[] }> => {
  if (fitsAlone(options, piece)) return { pieces: [piece], tooLarge: [] }
  const records = pieceRecords(piece)!
  if (piece.count === 1) return { pieces: [], tooLarge: records }
  const middle = Math.ceil(records.length / 2)
  const pieces: Piece[] = []
  const tooLarge: string[] = []
  for (const [from, to] of [
    [0, middle],
    [middle, records.length],
  ] as const) {
    const half = await compressPiece(cutPart(piece, records, from, to), options)
    const fitted = await fitPiece(half, options)
    pieces.push(...fitted.pieces)
    tooLarge.push(...fitted.tooLarge)
  }
  return { pieces, tooLarge }
}

export interface PackResult {
  bodies: Body[]
  /** Records that do not fit a request even alone. */
  tooLarge: string[]
}

/**
 * Cuts records into pieces of about `pieceChars` (at least one record each). Piece boundaries fall on multiples of
 * the record cap, so that when the cap is what limits a body, bodies hold exactly that many.
 */
export const cutPieces = (jsons: readonly string[], options: PackOptions, firstSeq = 1): Piece[] => {
  const pieces: Piece[] = []
  let start = 0
  while (start < jsons.length) {
    let end = start
    let chars = 0
    const room = options.maxRecordsPerRequest - (start % options.maxRecordsPerRequest)
    while (end < jsons.length && end - start < room) {
      const next = jsons[end]!.length + (end > start ? 1 : 0)
      if (end > start && chars + next > options.pieceChars) break
      chars += next
      end++
    }
    const part = jsons.slice(start, end)
    pieces.push(
      cutPiece({ jsons: part, times: undefined, firstSeq: firstSeq + start, chars: chars - (part.length - 1) }),
    )
    start = end
  }
  return pieces
}

/** Packs a list of serialised records into bodies, in order. */
export const packRecords = async (jsons: readonly string[], options: PackOptions): Promise<PackResult> => {
  const compressed = await Promise.all(cutPieces(jsons, options).map((p) => compressPiece(p, options)))
  const bodies: Body[] = []
  const tooLarge: string[] = []
  let open = new OpenBody(options)
  for (const piece of compressed) {
    const fitted = await fitPiece(piece, options)
    tooLarge.push(...fitted.tooLarge)
    for (const p of fitted.pieces) {
      if (open.count > 0 && !open.fits(p)) {
        bodies.push(open.seal(true))
        open = new OpenBody(options)
      }
      open.add(p)
    }
  }
  if (open.count > 0) bodies.push(open.seal(false))
  return { bodies, tooLarge }
}
