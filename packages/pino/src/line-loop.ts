/**
 * The worker's read loop: pino-abstract-transport's source → map each line → core. Lines a mapping cannot produce
 * are reported through core (`reportDrop`), so `stats()` and `onDrop` count them like every other undelivered record.
 */
import type { Transform } from 'node:stream'
import type { LogsIngestionClient } from '@dcr-logs/core'
import { InvalidLineError } from './parse-line.ts'
import { createProgress, type Progress } from './progress.ts'
import type { RecordMapper } from './record-mapper.ts'
import type { Reporter } from './report.ts'

type Line = Record<string, unknown>

export interface LineLoopOptions {
  client: LogsIngestionClient
  reporter: Reporter
  now: () => number
  /** With `overflow: 'wait'` (as core resolved it): pause reading for buffer space, at most `overflowWaitMs`. */
  waitForSpace: boolean
  overflowWaitMs: number
}

export interface LineLoop {
  progress: Progress
  /** The source the loop reads, once pino-abstract-transport has handed it over. */
  readonly source: Transform | undefined
  /** Reads `source` to its end. Never rejects. */
  consume(source: Transform, mapRecord: RecordMapper): Promise<void>
  /**
   * Maps and pushes every line still buffered in the source, synchronously (reading drives the source's pending
   * writes through it). For a destroyed source, whose iterator ends only on `'close'` (emitted after `close()`
   * returns), and at `process.exit()`, where nothing asynchronous runs any more.
   */
  takeBuffered(): void
}

export function createLineLoop(options: LineLoopOptions): LineLoop {
  const { client, reporter, now } = options
  const progress = createProgress()
  let source: Transform | undefined
  let mapRecord: RecordMapper | undefined

  /** Maps one line; the columns to push, or undefined when the line is done with (filtered or reported). */
  const map = (line: Line): ReturnType<RecordMapper> => {
    try {
      const columns = mapRecord!(line, now())
      if (columns === undefined) reporter.filtered()
      return columns
    } catch (error) {
      client.reportDrop({
        records: [line],
        detail: `the pino line could not be mapped: ${(error as Error)?.message ?? String(error)}`,
        cause: error,
      })
      return undefined
    }
  }

  const push = (columns: NonNullable<ReturnType<RecordMapper>>): void => {
    client.push(columns)
    reporter.mapped()
  }

  return {
    progress,
    get source() {
      return source
    },
    async consume(s, mapper) {
      source = s
      mapRecord = mapper
      progress.attach(s)
      s.on('unknown', (line: string, error: unknown) => {
        if (error instanceof InvalidLineError) {
          if (error.reason !== 'blank') reporter.invalidLine(error.reason, error.message, line)
        } else reporter.invalidLine('not-json', String(error), line)
      })
      try {
        for await (const line of s as AsyncIterable<Line>) {
          progress.busy = true
          const columns = map(line)
          if (columns !== undefined) {
            // bounded: a longer pause would move pino's buffering to an unbounded array on the main thread
            if (options.waitForSpace) await client.waitForSpace({ timeoutMs: options.overflowWaitMs })
            push(columns)
          }
          progress.leave()
        }
      } catch {
        // the source was destroyed (worker terminating): close() still settles what core holds
      } finally {
        progress.end()
      }
    },
    takeBuffered() {
      if (source === undefined || mapRecord === undefined) return
      for (let line = source.read() as Line | null; line !== null; line = source.read() as Line | null) {
        const columns = map(line)
        if (columns !== undefined) push(columns)
      }
    },
  }
}
