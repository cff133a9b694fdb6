/**
 * Turns one line of pino output into a plain object, or says precisely why it cannot.
 * Used as pino-abstract-transport's `parseLine`: a throw becomes an `'unknown'` event, never a crash.
 */

/** Why a line was not shipped. `blank` lines are skipped without being counted. */
export type InvalidLineReason = 'not-json' | 'not-object' | 'too-large' | 'blank'

/** Thrown by the line parser; pino-abstract-transport passes it to the `'unknown'` listener. */
export class InvalidLineError extends Error {
  override readonly name = 'InvalidLineError'
  readonly reason: InvalidLineReason
  /** Length of the line in UTF-16 code units (the line itself is not kept). */
  readonly length: number
  constructor(reason: InvalidLineReason, message: string, length: number, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause })
    this.reason = reason
    this.length = length
  }
}

/**
 * Creates the parser.
 * @param maxLineBytes lines longer than this (UTF-8 bytes) are refused before `JSON.parse`, which would
 *   otherwise spend time and memory on a record core would truncate or drop anyway.
 */
export function createLineParser(maxLineBytes: number): (line: string) => Record<string, unknown> {
  return (line) => {
    // UTF-8 needs at most 3 bytes per UTF-16 unit, so short lines skip the byte count
    if (line.length > maxLineBytes || (line.length * 3 > maxLineBytes && Buffer.byteLength(line) > maxLineBytes)) {
      throw new InvalidLineError(
        'too-large',
        `line of ${Buffer.byteLength(line)} bytes exceeds maxLineBytes (${maxLineBytes})`,
        line.length,
      )
    }
    let value: unknown
    try {
      value = JSON.parse(line)
    } catch (error) {
      if (line.trim() === '') throw new InvalidLineError('blank', 'blank line', line.length)
      throw new InvalidLineError(
        'not-json',
        `line is not JSON (${(error as Error).message}); truncated or not written by pino`,
        line.length,
      )
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`
      throw new InvalidLineError('not-object', `line is JSON ${kind}, not an object`, line.length)
    }
    return value as Record<string, unknown>
  }
}
