/**
 * zlib at the edge: pieces are deflated on libuv's thread pool (several at once, so every core works while the
 * event loop keeps serialising), and bodies are inflated back only on the rare paths that need their records
 * (split, bisect, drop reports).
 */
import { constants, deflateRaw, gunzip, gunzipSync } from 'node:zlib'

/** Output chunk of one deflate call: large enough that a piece needs one or two thread-pool round trips. */
const CHUNK = 128 * 1024

/** Raw deflate of one piece, ended with Z_SYNC_FLUSH (byte-aligned, not final), so pieces concatenate. */
export const deflatePiece = (text: Buffer, level: number): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    deflateRaw(text, { level, finishFlush: constants.Z_SYNC_FLUSH, chunkSize: CHUNK }, (error, data) =>
      error ? reject(error) : resolve(data),
    )
  })

/** The JSON text of a body as sent. */
export const bodyText = async (payload: Buffer, encoding: 'gzip' | 'identity'): Promise<string> => {
  if (encoding === 'identity') return payload.toString('utf8')
  const text = await new Promise<Buffer>((resolve, reject) =>
    gunzip(payload, (error, data) => (error ? reject(error) : resolve(data))),
  )
  return text.toString('utf8')
}

/** The same, synchronously: for reporting a body's records from a synchronous path (close, a failed send). */
export const bodyTextSync = (payload: Buffer, encoding: 'gzip' | 'identity'): string =>
  (encoding === 'identity' ? payload : gunzipSync(payload)).toString('utf8')
