/**
 * Reads records back from a segment, a chunk at a time, off the event loop (`fs.read` on the thread pool).
 * Stops where the caller's room ends; reports a bad header, a checksum mismatch or a torn tail and skips the rest
 * of that segment rather than guess where the next good frame starts.
 */
import { type FileHandle, open } from 'node:fs/promises'
import { decodeFrame, FRAME_HEADER_BYTES, SEGMENT_MAGIC } from './format.js'
import type { Segment } from './segment-writer.js'

/** Bytes read at once; a larger frame is read whole. */
const CHUNK = 256 * 1024

export interface ReadSink {
  /** Takes a record into memory; false when there is no room (it is read again later). */
  take(json: string, time: number, segment: Segment, index: number): boolean
  /** The rest of the segment is unreadable and skipped. */
  corrupt(segment: Segment, offset: number, why: string): void
}

export class SegmentReader {
  private _handle: FileHandle | undefined
  private _want = CHUNK

  constructor(readonly segment: Segment) {}

  /**
   * Reads one chunk from the segment's load offset up to `end` and hands its records to `sink`. Returns true when
   * it made progress (the caller reads again while there is room), false when blocked on room or at `end`.
   */
  async readSome(end: number, sink: ReadSink): Promise<boolean> {
    const s = this.segment
    if (s.loadOffset >= end) return false
    this._handle ??= await open(s.path, 'r')
    const length = Math.min(this._want, end - s.loadOffset)
    const data = Buffer.allocUnsafe(length)
    const { bytesRead } = await this._handle.read(data, 0, length, s.loadOffset)
    const chunk = data.subarray(0, bytesRead)
    let at = 0
    if (s.loadOffset === 0) {
      if (chunk.length < SEGMENT_MAGIC.length || !chunk.subarray(0, SEGMENT_MAGIC.length).equals(SEGMENT_MAGIC)) {
        this._skipRest(
          end,
          sink,
          0,
          'it does not start with the spool header (not a dcr-logs segment, or a newer format)',
        )
        return false
      }
      at = SEGMENT_MAGIC.length
    }
    let progressed = at > 0
    for (;;) {
      const frame = decodeFrame(chunk, at)
      if (frame.kind === 'corrupt') {
        this._skipRest(end, sink, s.loadOffset + at, frame.why)
        return false
      }
      if (frame.kind === 'partial') {
        if (s.loadOffset + at + frame.need > end) {
          if (s.loadOffset + at < end)
            this._skipRest(end, sink, s.loadOffset + at, 'its last record is incomplete (the writer was interrupted)')
          else s.loadOffset = end
          return false
        }
        // read the whole frame next time
        this._want = Math.max(CHUNK, frame.need + FRAME_HEADER_BYTES)
        break
      }
      if (!sink.take(frame.json, frame.time, s, s.loadIndex)) break
      at += frame.bytes
      s.loadIndex++
      progressed = true
    }
    s.loadOffset += at
    return progressed
  }

  private _skipRest(end: number, sink: ReadSink, offset: number, why: string): void {
    this.segment.loadOffset = end
    sink.corrupt(this.segment, offset, why)
  }

  async close(): Promise<void> {
    const handle = this._handle
    this._handle = undefined
    await handle?.close().catch(() => {})
  }
}
