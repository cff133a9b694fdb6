/**
 * The spool directory at the edge: one owner at a time (a lock file naming the pid; a dead owner's lock, as
 * `kill -9` leaves it, is taken over), the segment files present, and the checkpoint. Synchronous on purpose:
 * it runs once, when the client is created, and touches a few small files.
 */
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { type Checkpoint, decodeCheckpoint, SEGMENT_FILE, segmentOf } from './format.js'
import type { Segment } from './segment-writer.js'

export const LOCK_FILE = 'lock'
export const CHECKPOINT_FILE = 'checkpoint'

export interface LeftoverSegment {
  id: number
  path: string
  bytes: number
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: alive, owned by someone else
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Creates the directory (mode 0700: records may hold personal data) and takes the lock. Throws an Error with an
 * actionable message when another live process owns it or the directory cannot be used.
 */
export const lockDirectory = (dir: string): string => {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const path = join(dir, LOCK_FILE)
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600)
      writeSync(fd, String(process.pid))
      closeSync(fd)
      return path
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const owner = Number.parseInt(readFileSync(path, 'utf8'), 10)
      if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
        throw new Error(`the spool directory ${dir} is used by process ${owner}; give each client its own spool.dir`)
      }
      // a crashed owner's lock (or our own, from a client that was not closed)
      unlinkSync(path)
    }
  }
  throw new Error(`could not take the lock ${path}`)
}

/** Segment files in id order. */
export const listSegments = (dir: string): LeftoverSegment[] =>
  readdirSync(dir)
    .map((name) => ({ name, m: SEGMENT_FILE.exec(name) }))
    .filter((f) => f.m !== null)
    .map(({ name, m }) => {
      const path = join(dir, name)
      return { id: Number(m![1]), path, bytes: statSync(path).size }
    })
    .sort((a, b) => a.id - b.id)

export const readCheckpoint = (dir: string): Checkpoint | undefined => {
  try {
    return decodeCheckpoint(readFileSync(join(dir, CHECKPOINT_FILE)))
  } catch {
    return undefined
  }
}

/** Removes a file, ignoring one already gone. */
export const removeFile = (path: string): void => {
  try {
    unlinkSync(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
}

/**
 * Segments an earlier process left, in id order, as not yet read back; those wholly before the checkpoint (a
 * delete a crash interrupted) are removed. `nextId` is the id this process's first segment takes (1 when empty).
 */
export const findLeftovers = (
  dir: string,
): { leftovers: Segment[]; checkpoint: Checkpoint | undefined; nextId: number } => {
  const checkpoint = readCheckpoint(dir)
  const leftovers: Segment[] = []
  for (const found of listSegments(dir)) {
    if (checkpoint !== undefined && found.id < segmentOf(checkpoint.unsettled)) {
      removeFile(found.path)
      continue
    }
    leftovers.push({
      ...found,
      leftover: true,
      nextIndex: 0,
      flushedIndex: 0,
      loadOffset: 0,
      loadIndex: 0,
      sealed: true,
    })
  }
  const last = leftovers[leftovers.length - 1]
  return { leftovers, checkpoint, nextId: last === undefined ? 1 : last.id + 1 }
}
