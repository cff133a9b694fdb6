/**
 * The spool's on-disk format, pure. A segment file is a header (`DCRLSPL1`) followed by frames; a frame is
 * `u32 length · u32 crc32(time ‖ json) · f64 TimeGenerated (NaN when absent) · json (UTF-8)`, little-endian.
 * The checkpoint file is one fixed-size record, rewritten in place: where the first unsettled record is, where
 * the first record never handed to a request is (everything between may have been delivered), and a CRC.
 */
import { crc32 } from 'node:zlib'

export const SEGMENT_MAGIC = Buffer.from('DCRLSPL1', 'latin1')
export const FRAME_HEADER_BYTES = 16
/** A frame longer than this is corruption, not a record (a request may not carry more). */
export const MAX_FRAME_BYTES = 1024 * 1024 * 1024

/**
 * A record's place in the spool: segment id × 2³² + index of the record in its segment. Ids grow by one per
 * segment and restart at 1 when the spool is empty, so positions stay exact doubles (ids below 2²¹).
 */
export const position = (segment: number, index: number): number => segment * 2 ** 32 + index
export const segmentOf = (pos: number): number => Math.floor(pos / 2 ** 32)
export const indexOf = (pos: number): number => pos % 2 ** 32

export const SEGMENT_FILE = /^seg-(\d{10})\.log$/
export const segmentFileName = (id: number): string => `seg-${String(id).padStart(10, '0')}.log`

/** Encodes records into frames, one buffer for a whole batch. Returns the buffer and each frame's end offset. */
export const encodeFrames = (jsons: readonly string[], times: readonly number[]): { data: Buffer; ends: number[] } => {
  // room for the worst case (3 UTF-8 bytes per UTF-16 unit): each record is encoded once, straight into place
  let room = 0
  for (const json of jsons) room += FRAME_HEADER_BYTES + json.length * 3
  const data = Buffer.allocUnsafe(room)
  const ends = new Array<number>(jsons.length)
  let at = 0
  for (let i = 0; i < jsons.length; i++) {
    const bytes = data.write(jsons[i]!, at + FRAME_HEADER_BYTES, 'utf8')
    data.writeUInt32LE(bytes, at)
    data.writeDoubleLE(times[i]!, at + 8)
    // time and payload are adjacent: one CRC over both
    data.writeUInt32LE(crc32(data.subarray(at + 8, at + FRAME_HEADER_BYTES + bytes)), at + 4)
    at += FRAME_HEADER_BYTES + bytes
    ends[i] = at
  }
  return { data: data.subarray(0, at), ends }
}

export type DecodedFrame =
  | { kind: 'record'; json: string; time: number; bytes: number }
  /** The buffer ends inside this frame; `need` bytes from its start would hold it. */
  | { kind: 'partial'; need: number }
  | { kind: 'corrupt'; why: string }

/** Decodes the frame at `at` of `data`. */
export const decodeFrame = (data: Buffer, at: number): DecodedFrame => {
  if (data.length - at < FRAME_HEADER_BYTES) return { kind: 'partial', need: FRAME_HEADER_BYTES }
  const length = data.readUInt32LE(at)
  if (length > MAX_FRAME_BYTES) return { kind: 'corrupt', why: `a frame length of ${length} bytes` }
  const end = at + FRAME_HEADER_BYTES + length
  if (end > data.length) return { kind: 'partial', need: FRAME_HEADER_BYTES + length }
  if (crc32(data.subarray(at + 8, end)) !== data.readUInt32LE(at + 4))
    return { kind: 'corrupt', why: 'a checksum mismatch' }
  return {
    kind: 'record',
    json: data.toString('utf8', at + FRAME_HEADER_BYTES, end),
    time: data.readDoubleLE(at + 8),
    bytes: end - at,
  }
}

export interface Checkpoint {
  /** Position of the first record neither delivered nor dropped. */
  unsettled: number
  /** Position of the first record never handed to a request: those from `unsettled` up to here may be duplicates. */
  unsent: number
}

const CHECKPOINT_MAGIC = 0x4b43_5044 // 'DPCK'
export const CHECKPOINT_BYTES = 28

export const encodeCheckpoint = (cp: Checkpoint): Buffer => {
  const b = Buffer.alloc(CHECKPOINT_BYTES)
  b.writeUInt32LE(CHECKPOINT_MAGIC, 0)
  b.writeDoubleLE(cp.unsettled, 4)
  b.writeDoubleLE(cp.unsent, 12)
  b.writeUInt32LE(0, 20)
  b.writeUInt32LE(crc32(b.subarray(0, 24)), 24)
  return b
}

/** The checkpoint, or undefined when the bytes are not a whole, valid one (a torn write replays more, never less). */
export const decodeCheckpoint = (b: Buffer): Checkpoint | undefined => {
  if (b.length < CHECKPOINT_BYTES || b.readUInt32LE(0) !== CHECKPOINT_MAGIC) return undefined
  if (crc32(b.subarray(0, 24)) !== b.readUInt32LE(24)) return undefined
  const unsettled = b.readDoubleLE(4)
  const unsent = b.readDoubleLE(12)
  if (!Number.isSafeInteger(unsettled) || !Number.isSafeInteger(unsent) || unsent < unsettled) return undefined
  return { unsettled, unsent }
}
