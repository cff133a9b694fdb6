/**
 * The checkpoint file: one fixed-size record rewritten in place at offset 0 with a single small write, so a crash
 * leaves the old or the new checkpoint (a torn one fails its CRC and the spool replays more, never less).
 */
import { closeSync, openSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { CHECKPOINT_FILE, removeFile } from './directory.js'
import { CHECKPOINT_BYTES, type Checkpoint, encodeCheckpoint } from './format.js'

export class CheckpointFile {
  private _fd: number
  private readonly _path: string

  /** Creates (or truncates) the file; throws when it cannot. */
  constructor(dir: string) {
    this._path = join(dir, CHECKPOINT_FILE)
    this._fd = openSync(this._path, 'w', 0o600)
  }

  get open(): boolean {
    return this._fd >= 0
  }

  /** Throws when the write fails. */
  write(cp: Checkpoint): void {
    const data = encodeCheckpoint(cp)
    let at = 0
    while (at < CHECKPOINT_BYTES) at += writeSync(this._fd, data, at, CHECKPOINT_BYTES - at, at)
  }

  /** Closes the file; `remove` deletes it too (an empty spool). */
  close(remove: boolean): void {
    if (this._fd >= 0) closeSync(this._fd)
    this._fd = -1
    if (remove) removeFile(this._path)
  }
}
