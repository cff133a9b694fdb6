/** Scenarios 2–4: the adapters against each framework's own baseline, with the same log calls. */
import { once } from 'node:events'
import { createRequire } from 'node:module'
import type { LogsIngestionStats } from '@dcr-logs/core'
import { AzureLogsExporter, createBatchLogRecordProcessor } from '@dcr-logs/opentelemetry'
import { AzureLogsTransport } from '@dcr-logs/winston'
import { SeverityNumber } from '@opentelemetry/api-logs'
import {
  BatchLogRecordProcessor,
  InMemoryLogRecordExporter,
  LoggerProvider,
  type LogRecordExporter,
} from '@opentelemetry/sdk-logs'
import pino from 'pino'
import winston from 'winston'
import Transport from 'winston-transport'
import { coreFigures, inSlices, settleAfterWarmup, startMeasure } from '../measure.ts'
import type { ChildResult, Task } from '../protocol.ts'
import { createRecordSource } from '../records.ts'

/** Log calls per event-loop turn. OTel's processor drops silently past its queue (2048), so its slice is smaller. */
const SLICE = 1_000
const OTEL_SLICE = 256
/** Time given to pino's worker to start before measuring (there is no event for "ready and authenticated"). */
const WORKER_WARMUP_MS = 1_500

const require = createRequire(import.meta.url)

/**
 * Core's buffer for the framework scenarios: large enough for the whole burst, so "time until landed" is about
 * every record (with the defaults, 64 MiB, a 200,000-record burst faster than the link drops the oldest).
 */
const bufferOptions = (task: Task) => ({
  maxBufferBytes: Number(task.params['maxBufferBytes']),
  maxBufferRecords: Number(task.params['maxBufferRecords']),
})

export const pinoRun = async (task: Task, target: 'dcr-logs' | 'file'): Promise<ChildResult> => {
  const n = task.records
  const transport =
    target === 'dcr-logs'
      ? pino.transport({ target: require.resolve('@dcr-logs/pino'), options: bufferOptions(task) })
      : pino.transport({ target: 'pino/file', options: { destination: '/dev/null' } })
  // the worker's reports reach the main thread as events on the stream: drops, and core's counters at close
  let reportedDropped = 0
  let stats: LogsIngestionStats | undefined
  transport.on('dcr-logs:drop', (r: { records: number }) => {
    reportedDropped += r.records
  })
  transport.on('dcr-logs:stats', (s: LogsIngestionStats) => {
    stats = s
  })
  const logger = pino({ name: 'checkout', level: 'debug' }, transport)
  const source = createRecordSource()
  // warm-up: the worker starts, loads its modules and (dcr-logs) gets a token, outside the measurement
  logger.info({ warmup: true }, 'warm-up')
  await new Promise((resolve) => setTimeout(resolve, WORKER_WARMUP_MS))
  const m = startMeasure()
  const { insideMs } = await inSlices(n, SLICE, (i) => {
    const f = source.fields(i)
    logger[f.level.text as 'info']({ ...f.attributes, trace_id: f.traceId }, f.message)
  })
  // 'finish' comes once the worker's close() has delivered everything (or reported it dropped)
  const finished = once(transport, 'finish')
  transport.end()
  await finished
  const landedMs = m.elapsed()
  return m.finish(target === 'dcr-logs' ? 'pino-dcr-logs' : 'pino-file', {
    calls: n,
    totalMs: landedMs,
    appThreadMs: insideMs,
    landedMs,
    ...(stats && { core: coreFigures(stats) }),
    extra: { startedAtEpochMs: m.startedAtEpochMs, warmupRecords: 1, reportedDropped },
  })
}

/** The baseline: a transport that accepts each record and does nothing with it. */
class NoopTransport extends Transport {
  override log(_info: unknown, next: () => void): void {
    next()
  }
}

export const winstonRun = async (task: Task, target: 'dcr-logs' | 'noop'): Promise<ChildResult> => {
  const n = task.records
  const transport = target === 'dcr-logs' ? new AzureLogsTransport(bufferOptions(task)) : new NoopTransport()
  const logger = winston.createLogger({
    level: 'debug',
    format: winston.format.combine(winston.format.timestamp(), winston.format.errors({ stack: true })),
    defaultMeta: { service: 'checkout' },
    transports: [transport],
  })
  const source = createRecordSource()
  logger.info('warm-up', { warmup: true })
  if (transport instanceof AzureLogsTransport) await transport.flush()
  await settleAfterWarmup()
  const m = startMeasure()
  const { insideMs } = await inSlices(n, SLICE, (i) => {
    const f = source.fields(i)
    logger.log(f.level.text, f.message, { ...f.attributes, trace_id: f.traceId })
  })
  let core: ChildResult['core']
  if (transport instanceof AzureLogsTransport) {
    const flushed = await transport.flush()
    if (!flushed.settled) throw new Error(`flush() did not settle: ${flushed.pending} pending`)
    core = coreFigures(transport.stats())
  }
  const landedMs = m.elapsed()
  const finished = once(logger, 'finish')
  logger.end()
  await finished
  return m.finish(target === 'dcr-logs' ? 'winston-dcr-logs' : 'winston-noop', {
    calls: n,
    totalMs: landedMs,
    appThreadMs: insideMs,
    landedMs,
    ...(core && { core }),
    extra: { startedAtEpochMs: m.startedAtEpochMs, warmupRecords: 1 },
  })
}

const OTEL_SEVERITY: Record<string, SeverityNumber> = {
  debug: SeverityNumber.DEBUG,
  info: SeverityNumber.INFO,
  warn: SeverityNumber.WARN,
  error: SeverityNumber.ERROR,
}

export const otelRun = async (task: Task, target: 'dcr-logs' | 'memory'): Promise<ChildResult> => {
  const n = task.records
  const azure = target === 'dcr-logs' ? new AzureLogsExporter(bufferOptions(task)) : undefined
  const memory = target === 'memory' ? new InMemoryLogRecordExporter() : undefined
  const exporter: LogRecordExporter = (azure ?? memory)!
  // the processor's defaults (queue 2048, batch 512, 1 s delay) for both contenders; ours as its README says to
  // build it (a subclass that keeps requests full at forceFlush), the baseline as the SDK's
  const processor =
    azure !== undefined
      ? createBatchLogRecordProcessor(BatchLogRecordProcessor, azure, { env: {} })
      : new BatchLogRecordProcessor({ exporter })
  const provider = new LoggerProvider({ processors: [processor] })
  const logger = provider.getLogger('checkout', '1.0.0')
  const source = createRecordSource()
  logger.emit({ severityNumber: SeverityNumber.INFO, body: 'warm-up' })
  await provider.forceFlush()
  await settleAfterWarmup()
  const m = startMeasure()
  const { insideMs } = await inSlices(n, OTEL_SLICE, (i) => {
    const f = source.fields(i)
    logger.emit({
      severityNumber: OTEL_SEVERITY[f.level.text] ?? SeverityNumber.INFO,
      severityText: f.level.text,
      body: f.message,
      attributes: { ...f.attributes, trace_id: f.traceId },
    })
  })
  // with createBatchLogRecordProcessor, this reaches the exporter's forceFlush: everything landed
  await provider.forceFlush()
  const landedMs = m.elapsed()
  // minus the warm-up record
  const received = (azure !== undefined ? azure.stats().records.accepted : memory!.getFinishedLogRecords().length) - 1
  const core = azure !== undefined ? coreFigures(azure.stats()) : undefined
  memory?.reset()
  await provider.shutdown()
  return m.finish(target === 'dcr-logs' ? 'otel-dcr-logs' : 'otel-memory', {
    calls: n,
    totalMs: landedMs,
    appThreadMs: insideMs,
    landedMs,
    ...(core && { core }),
    extra: { startedAtEpochMs: m.startedAtEpochMs, warmupRecords: 1, received, processorDropped: n - received },
  })
}
