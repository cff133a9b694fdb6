/** Small file helpers for the emulator's directories (CA, data dir): read-if-present and atomic writes. */
import { randomBytes } from 'node:crypto'
import { readFile, rename, rm, writeFile } from 'node:fs/promises'

/** The file's text, or undefined when it does not exist. */
export const readIfExists = async (path: string): Promise<string | undefined> => {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/** Writes through a temporary file and a rename, so readers see the old or the new content, never half of it. */
export const writeAtomically = async (path: string, text: string, mode: number): Promise<void> => {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  try {
    await writeFile(tmp, text, { mode })
    await rename(tmp, path)
  } catch (error) {
    await rm(tmp, { force: true })
    throw error
  }
}

/** Creates a file only if it does not exist yet; false when another process was first. */
export const writeExclusive = async (path: string, text: string, mode: number): Promise<boolean> => {
  try {
    await writeFile(path, text, { flag: 'wx', mode })
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  }
}
