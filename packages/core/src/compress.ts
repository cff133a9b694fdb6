/**
 * zlib at the edge: pieces are deflated on libuv's thread pool (several at once, so every core works while the
 * event loop keeps serialising), and bodies are inflated back only on the rare paths that need their records
 * (split, bisect, drop reports).
 */
import { constants, createDeflateRaw, type DeflateRaw, deflateRaw, gunzip, gunzipSync } from 'node:zlib'

/**
 * Output chunk of one deflate call: a piece's output (about an 8th of 1 MiB) fits in one. Each further chunk is
 * another trip through the event loop, which during a burst waits for the app's synchronous work.
 */
const CHUNK = 256 * 1024

/** Raw deflate of one piece, ended with Z_SYNC_FLUSH (byte-aligned, not final), so pieces concatenate. */
export const deflatePiece = (text: Buffer, level: number): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    deflateRaw(text, { level, finishFlush: constants.Z_SYNC_FLUSH, chunkSize: CHUNK }, (error, data) =>
      error ? reject(error) : resolve(data),
    )
  })

/**
 * A deflate stream kept open for piece after piece, one at a time. Every write ends with Z_FULL_FLUSH (the stream's
 * flush mode): byte-aligned and with the history reset, so a piece's output refers to nothing before it and can go
 * into any body, and a piece takes one call into zlib, not a write and then a flush. Reusing the stream saves
 * zlib's set-up per piece, which runs on the event loop (about half of a piece's cost there).
 */
export class DeflateLane {
  private readonly _stream: DeflateRaw
  private _chunks: Buffer[] = []
  private _bytes = 0
  private _error: Error | undefined

  constructor(level: number) {
    this._stream = createDeflateRaw({ level, chunkSize: CHUNK, flush: constants.Z_FULL_FLUSH })
    this._stream.on('data', (chunk: Buffer) => {
      this._chunks.push(chunk)
      this._bytes += chunk.length
    })
    this._stream.on('error', (error) => {
      this._error = error
    })
  }

  /** False once zlib failed: the lane must be replaced. */
  get usable(): boolean {
    return this._error === undefined && !this._stream.destroyed
  }

  /** Deflates one piece; call again only after the previous call settled. */
  deflate(text: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      if (!this.usable) return reject(this._error ?? new Error('the deflate stream is closed'))
      // zlib emits the piece's output ('data') before the write calls back
      this._stream.write(text, (error) => {
        const failed = error ?? this._error
        if (failed !== undefined) return reject(failed)
        const out = this._chunks.length === 1 ? this._chunks[0]! : Buffer.concat(this._chunks, this._bytes)
        this._chunks = []
        this._bytes = 0
        resolve(out)
      })
    })
  }

  close(): void {
    this._stream.close()
  }
}

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
