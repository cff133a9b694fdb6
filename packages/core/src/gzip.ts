import { constants, createGzip, type Gzip } from 'node:zlib'

/**
 * A streaming gzip that knows its compressed size: async zlib (libuv thread pool, so the event loop is not
 * blocked), with `sync()` (Z_SYNC_FLUSH) to learn the exact output size so far on demand.
 */
export class StreamingGzip {
  private readonly _gzip: Gzip
  private readonly _chunks: Buffer[] = []
  private _outBytes = 0
  private _error: Error | undefined
  private _ended: Promise<void>

  constructor(level: number) {
    this._gzip = createGzip({ level })
    this._gzip.on('data', (chunk: Buffer) => {
      this._chunks.push(chunk)
      this._outBytes += chunk.length
    })
    this._ended = new Promise((resolve, reject) => {
      this._gzip.once('end', resolve)
      this._gzip.once('error', (error) => {
        this._error = error
        reject(error)
      })
    })
    // a destroy() before end must not surface as an unhandled rejection
    this._ended.catch(() => {})
  }

  /** Compressed bytes emitted so far (exact after `sync()`). */
  get outputBytes(): number {
    return this._outBytes
  }

  write(data: Buffer): void {
    this._gzip.write(data)
  }

  /** Flushes with Z_SYNC_FLUSH; afterwards `outputBytes` is exactly the size of everything written. */
  sync(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this._error) return reject(this._error)
      // zlib pushes the flushed output ('data') before it calls back
      this._gzip.flush(constants.Z_SYNC_FLUSH, () => (this._error ? reject(this._error) : resolve()))
    })
  }

  /** Writes the last data, finishes the stream and returns the whole gzip body. */
  async end(last?: Buffer): Promise<Buffer> {
    if (last !== undefined) this._gzip.end(last)
    else this._gzip.end()
    await this._ended
    return Buffer.concat(this._chunks, this._outBytes)
  }

  destroy(): void {
    this._gzip.destroy()
  }
}
