/** JSON lines, numbered: reading them from a file or stdin, and telling a record from a bad line. */
import { createReadStream } from 'node:fs'
import { resolve } from 'node:path'
import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import { CliError } from './errors.ts'
import { preview } from './format.ts'

export interface Line {
  /** 1-based. */
  readonly number: number
  readonly text: string
}

export type ParsedLine =
  | { readonly ok: true; readonly number: number; readonly record: Record<string, unknown> }
  | { readonly ok: false; readonly number: number; readonly reason: string }

/**
 * Every line of a stream, numbered (blank lines included, so the numbers match an editor's). Aborting `signal`
 * ends the lines at once, also when the stream would never end (stdin of a producer still running).
 */
export async function* readLines(input: Readable, signal?: AbortSignal): AsyncGenerator<Line> {
  let number = 0
  const lines = createInterface({
    input,
    crlfDelay: Number.POSITIVE_INFINITY,
    ...(signal === undefined ? {} : { signal }),
  })
  for await (const text of lines) {
    number++
    yield { number, text }
  }
}

/** One line as a record, or why it is not one. Blank lines give undefined: they are skipped, not errors. */
export const parseLine = (line: Line): ParsedLine | undefined => {
  const text = line.text.trim()
  if (text === '') return undefined
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    return { ok: false, number: line.number, reason: `not JSON (${(error as Error).message}): ${preview(text, 40)}` }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const what = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`
    return { ok: false, number: line.number, reason: `a JSON record must be an object, not ${what}` }
  }
  return { ok: true, number: line.number, record: value as Record<string, unknown> }
}

/** A readable file, opened only once it is known to exist (so a typo is a usage error, not a stack trace). */
export const openFile = async (cwd: string, path: string, flag: string): Promise<Readable> => {
  const stream = createReadStream(resolve(cwd, path))
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve())
    stream.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new CliError(
          `${flag}: cannot read ${path} (${error.code === 'ENOENT' ? 'no such file' : error.code === 'EISDIR' ? 'a directory' : error.message})`,
        ),
      ),
    )
  })
  return stream
}
