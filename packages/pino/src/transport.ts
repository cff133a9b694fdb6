/**
 * The glue between pino-abstract-transport and core: the read loop (`line-loop.ts`), `stream.flush` for
 * `logger.flush(cb)`, and a `close` bounded by one deadline that never waits on a destroyed source.
 */
import type { Transform } from 'node:stream'
import { parentPort, workerData } from 'node:worker_threads'
import {
  checkOptionNames,
  createLogsIngestionClient,
  type DropEvent,
  type ExitParticipant,
  holdProcessUntil,
  type LogsIngestionClient,
  registerExitParticipant,
  unregisterExitParticipant,
} from '@dcr-logs/core'
import build from 'pino-abstract-transport'
import { createLineLoop } from './line-loop.ts'
import { loadMapperModule } from './load-mapper.ts'
import {
  closeTimeoutFor,
  type InProcessTransportOptions,
  KNOWN_OPTION_NAMES,
  type PinoTransportOptions,
  resolvePinoOptions,
} from './options.ts'
import { createLineParser } from './parse-line.ts'
import { type CustomMapper, createRecordMapper, type PinoConfig } from './record-mapper.ts'
import { createReporter, EVENTS, type ReportSink, type TransportStats } from './report.ts'
import { streamSink, threadStreamPort, threadStreamSink } from './sinks.ts'

/** The stream handed to pino: a Writable of pino lines with a promise-returning `flush`. */
export type TransportStream = Transform & {
  /** Resolves when every line written before the call is delivered or reported dropped, or at `flushTimeoutMs`. Never rejects. */
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
  /** Share the process exit hooks (in-process use). Default: outside a pino worker. The CLI ends the stream itself. */
  exitHooks?: boolean
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
  const now = deps.now ?? Date.now
  const pinoPort = threadStreamPort(parentPort, workerData)
  const inPinoWorker = pinoPort !== undefined
  const resolved = resolvePinoOptions(options, { worker: inPinoWorker })
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
  let closeTimeoutMs: number
  try {
    // what core resolved (options and DCR_LOGS_*), not the raw options: DCR_LOGS_OVERFLOW=wait counts too
    checkOptionNames(Object.fromEntries(resolved.unknown.map((k) => [k, true])), KNOWN_OPTION_NAMES, {
      component: '@dcr-logs/pino',
      strict: client.options.strictOptions,
      // in pino's worker, a warning reaches the app only through thread-stream's WARNING message
      ...(inPinoWorker ? { emitWarning: (message: string) => sink.warn(message) } : {}),
    })
    closeTimeoutMs = closeTimeoutFor(resolved, client.options.closeTimeoutMs, process.env, { worker: inPinoWorker })
  } catch (error) {
    void client.close({ timeoutMs: 0 })
    throw error
  }

  if (inPinoWorker && !pinoSendsConfig && resolved.warnings) {
    sink.warn(
      '@dcr-logs/pino: this pino version does not send its configuration to transports (pino >= 8.21 does); ' +
        'using messageKey "msg", errorKey "err" and the default levels unless the messageKey, errorKey and customLevels options say otherwise.',
    )
  }

  const loop = createLineLoop({
    client,
    reporter,
    now,
    waitForSpace: client.options.overflow === 'wait',
    overflowWaitMs: resolved.overflowWaitMs,
  })
  let reading: Promise<void> = Promise.resolve()
  let resolveClosed: (stats: TransportStats) => void = () => {}
  const closed = new Promise<TransportStats>((r) => {
    resolveClosed = r
  })
  const exit = inProcessExitHooks(deps.exitHooks ?? !inPinoWorker, client, closeTimeoutMs, () => loop.takeBuffered())

  const built = await build(
    (source) => {
      const s = source as ConfiguredSource
      const config: PinoConfig = pinoSendsConfig
        ? { levels: s.levels, messageKey: s.messageKey, errorKey: s.errorKey }
        : {}
      reading = loop.consume(s, createRecordMapper(resolved, config, custom))
      return reading
    },
    {
      expectPinoConfig: pinoSendsConfig,
      parseLine: createLineParser(resolved.maxLineBytes),
      metadata: false,
      // close() may run before the loop has taken the last line (pino-abstract-transport destroys the source on
      // 'end'): wait for the loop, then for core, all within closeTimeoutMs. A source destroyed before its end
      // ends its loop only on 'close', which Node emits after this returns: then take its buffered lines here
      // instead of waiting. Never rejects, or pino would print an error during exit instead of the summary.
      close: async () => {
        exit?.release()
        const deadline = Date.now() + closeTimeoutMs
        const source = loop.source
        if (source !== undefined && !source.readableEnded && !loop.progress.ended) {
          await loop.progress.whenNotBusy(closeTimeoutMs)
          loop.takeBuffered()
        } else {
          await withDeadline(reading, closeTimeoutMs)
        }
        try {
          await client.close({ timeoutMs: Math.max(0, deadline - Date.now()) })
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
      const deadline = Date.now() + resolved.flushTimeoutMs
      await loop.progress.whenIdle(resolved.flushTimeoutMs)
      await client.flush({ timeoutMs: Math.max(0, deadline - Date.now()) })
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
 * In-process use has no pino worker to end it at exit: when the event loop runs dry, close core (delivering what
 * is queued, within `closeTimeoutMs`); at `process.exit()` the shared hook counts what is lost on stderr.
 */
function inProcessExitHooks(
  enabled: boolean,
  client: LogsIngestionClient,
  closeTimeoutMs: number,
  takeBuffered: () => void,
): { release(): void } | undefined {
  if (!enabled) return undefined
  const participant: ExitParticipant = {
    label: '@dcr-logs/pino',
    onBeforeExit: () => {
      const { queued, inFlight } = client.stats().records
      if (client.closed || queued + inFlight === 0) return
      unregisterExitParticipant(participant)
      void holdProcessUntil(client.close({ timeoutMs: closeTimeoutMs }))
    },
    pendingAtExit: () => {
      // lines pino wrote but the loop has not read yet count too
      takeBuffered()
      return client.abandon('still queued when the process exited: await logger.flush() before process.exit()')
    },
  }
  registerExitParticipant(participant)
  return { release: () => unregisterExitParticipant(participant) }
}

/** `work`, or nothing after `ms`: a close must not wait past its deadline for anything. */
function withDeadline(work: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms)
    timer.unref()
  })
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer))
}
