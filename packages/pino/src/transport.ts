/**
 * The glue between pino-abstract-transport and core: a `for await` loop that maps lines and pushes them,
 * `stream.flush` for `logger.flush(cb)`, and a `close` that waits for the loop and then for core.
 */
import type { Transform } from 'node:stream'
import { parentPort, workerData } from 'node:worker_threads'
import { createLogsIngestionClient, type DropEvent, type LogsIngestionClient } from '@dcr-logs/core'
import build from 'pino-abstract-transport'
import { loadMapperModule } from './load-mapper.ts'
import { type InProcessTransportOptions, type PinoTransportOptions, resolvePinoOptions } from './options.ts'
import { createLineParser, InvalidLineError } from './parse-line.ts'
import { type CustomMapper, createRecordMapper, type PinoConfig } from './record-mapper.ts'
import { createReporter, EVENTS, type ReportSink, type TransportStats } from './report.ts'
import { streamSink, threadStreamPort, threadStreamSink } from './sinks.ts'

/** The stream handed to pino: a Writable of pino lines with a promise-returning `flush`. */
export type TransportStream = Transform & {
  /** Resolves when every line written before the call is delivered or reported dropped. Never rejects. */
  flush(callback?: (error?: Error | null) => void): Promise<void>
}

/** A transport with its counters, for in-process hosts such as the CLI. */
export interface TransportHandle {
  stream: TransportStream
  /** Core's counters plus the line counters. */
  stats(): TransportStats
  /** Resolves with the final counters once the stream has ended and core has closed. */
  closed: Promise<TransportStats>
}

/** Seams for the CLI and tests; pino's worker uses the defaults. */
export interface TransportDeps {
  /** Where reports go. Default: pino's main thread inside a pino worker, else events on the stream. */
  sink?: ReportSink
  /** Clock for `ObservedTimestamp`. */
  now?: () => number
  /** Directory `mapperModule` is resolved from. Default `process.cwd()`. */
  cwd?: string
}

type ConfiguredSource = Transform & {
  levels?: PinoConfig['levels']
  messageKey?: string
  errorKey?: string
}

/**
 * Creates the transport. Options are validated and core's client is built first, so a configuration error
 * rejects here (in pino's worker: an `'error'` on the stream `pino.transport()` returned).
 */
export async function createTransport(
  options: PinoTransportOptions | InProcessTransportOptions = {},
  deps: TransportDeps = {},
): Promise<TransportHandle> {
  const resolved = resolvePinoOptions(options)
  const now = deps.now ?? Date.now
  const pinoPort = threadStreamPort(parentPort, workerData)
  const inPinoWorker = pinoPort !== undefined
  // pino ≥ 8.21 marks the worker data it will follow with PINO_CONFIG (for `targets` too: the data of pino's own worker)
  const pinoSendsConfig =
    inPinoWorker &&
    (workerData as { workerData?: { pinoWillSendConfig?: unknown } }).workerData?.pinoWillSendConfig === true

  const custom: CustomMapper | undefined =
    resolved.mapperModule === undefined
      ? undefined
      : await loadMapperModule(resolved.mapperModule, deps.cwd ?? process.cwd())

  let stream: TransportStream | undefined
  const sink = deps.sink ?? (pinoPort !== undefined ? threadStreamSink(pinoPort) : streamSink(() => stream))
  const reporter = createReporter({ sink, reportIntervalMs: resolved.reportIntervalMs, warnings: resolved.warnings })
  const userOnDrop = resolved.client.onDrop
  const client: LogsIngestionClient = createLogsIngestionClient({
    ...resolved.client,
    onDrop: (event: DropEvent) => {
      reporter.drop(event)
      userOnDrop?.(event)
    },
  })

  if (inPinoWorker && !pinoSendsConfig && resolved.warnings) {
    sink.warn(
      '@dcr-logs/pino: this pino version does not send its configuration to transports (pino >= 8.21 does); ' +
        'using messageKey "msg", errorKey "err" and the default levels unless the messageKey, errorKey and customLevels options say otherwise.',
    )
  }

  let loop: Promise<void> = Promise.resolve()
  const progress = createProgress()
  let resolveClosed: (stats: TransportStats) => void = () => {}
  const closed = new Promise<TransportStats>((r) => {
    resolveClosed = r
  })

  const consume = async (source: ConfiguredSource): Promise<void> => {
    progress.attach(source)
    source.on('unknown', (line: string, error: unknown) => {
      if (error instanceof InvalidLineError) {
        if (error.reason !== 'blank') reporter.invalidLine(error.reason, error.message, line)
      } else reporter.invalidLine('not-json', String(error), line)
    })
    const config: PinoConfig = pinoSendsConfig
      ? { levels: source.levels, messageKey: source.messageKey, errorKey: source.errorKey }
      : {}
    const mapRecord = createRecordMapper(resolved, config, custom)
    const waitForSpace = resolved.client.overflow === 'wait'
    try {
      for await (const line of source as AsyncIterable<Record<string, unknown>>) {
        progress.busy = true
        let columns: ReturnType<typeof mapRecord>
        try {
          columns = mapRecord(line, now())
        } catch (error) {
          reporter.invalidLine(
            'map-failed',
            `the mapping threw: ${(error as Error)?.message ?? String(error)}`,
            safeJson(line),
          )
          progress.leave()
          continue
        }
        if (columns === undefined) reporter.filtered()
        else {
          // bounded: a longer pause would move pino's buffering to an unbounded array on the main thread
          if (waitForSpace) await client.waitForSpace({ timeoutMs: resolved.overflowWaitMs })
          client.push(columns)
          reporter.mapped()
        }
        progress.leave()
      }
    } catch {
      // the source was destroyed (worker terminating): close() still settles what core holds
    } finally {
      progress.end()
    }
  }

  const built = await build(
    (source) => {
      loop = consume(source as ConfiguredSource)
      return loop
    },
    {
      expectPinoConfig: pinoSendsConfig,
      parseLine: createLineParser(resolved.maxLineBytes),
      metadata: false,
      // close() may run before the loop has taken the last line (pino-abstract-transport destroys the
      // source on 'end'): wait for the loop, then for core. Never rejects, or pino would print an error
      // during exit instead of the summary.
      close: async () => {
        await loop
        try {
          await client.close({ timeoutMs: resolved.closeTimeoutMs })
        } catch {
          // core's close() reports undelivered records as drops; nothing else to do here
        }
        resolveClosed(reporter.close(client.stats()))
      },
    },
  )
  stream = built as TransportStream
  stream.flush = async (callback) => {
    try {
      await progress.whenIdle()
      await client.flush(resolved.flushTimeoutMs === undefined ? {} : { timeoutMs: resolved.flushTimeoutMs })
      reporter.publish()
      sink.event(EVENTS.stats, reporter.stats(client.stats()))
    } catch {
      // flush never fails the logger: what was not delivered is already reported as dropped
    }
    callback?.(null)
  }
  return { stream, stats: () => reporter.stats(client.stats()), closed }
}

/**
 * Tracks whether every line written so far has been pushed to core, so `flush` includes lines still in the
 * source's buffers (thread-stream answers FLUSH as soon as the worker has *read* the shared buffer).
 */
function createProgress() {
  let source: Transform | undefined
  let ended = false
  const waiters: Array<() => void> = []
  const idle = () =>
    ended || source === undefined || (!state.busy && source.readableLength === 0 && source.writableLength === 0)
  const release = () => {
    for (const resolve of waiters.splice(0)) resolve()
  }
  const state = {
    busy: false,
    attach(s: Transform) {
      source = s
    },
    leave() {
      state.busy = false
      if (waiters.length > 0 && idle()) release()
    },
    end() {
      ended = true
      release()
    },
    whenIdle(): Promise<void> {
      return idle() ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve))
    },
  }
  return state
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? ''
  } catch {
    return ''
  }
}
