/**
 * One logger per adapter, driven only through its public API, as an application would: core's client, a winston
 * logger with `AzureLogsTransport`, pino with the `@dcr-logs/pino` target (a worker thread), and an OpenTelemetry
 * `LoggerProvider` with `AzureLogsExporter` behind `createBatchLogRecordProcessor`.
 */
import { once } from 'node:events'
import { createLogsIngestionClient, type DropEvent, type LogsIngestionStats } from '@dcr-logs/core'
import { type ChildTask, seqIn } from '../protocol.ts'

/** Loggers whose worker must outlive every local reference (pino's, see below). */
const keptAlive = new Set<object>()

// each adapter (and its framework) is loaded only by the child that uses it: fifty fleet processes start faster

export interface Driver {
  log(body: string): void
  /** Stats of core's client, where the adapter exposes them. */
  stats(): LogsIngestionStats | undefined
  close(): Promise<void>
}

export interface DropTally {
  seqs: Record<string, number[]>
  counts: Record<string, number>
}

const onDropInto =
  (tally: DropTally, tag: string) =>
  (event: DropEvent): void => {
    const list = tally.seqs[event.reason] ?? []
    tally.seqs[event.reason] = list
    for (const record of event.records) {
      const seq = seqIn(tag, record)
      if (seq !== undefined) list.push(seq)
    }
  }

export const createDriver = async (task: ChildTask, tally: DropTally): Promise<Driver> => {
  const onDrop = onDropInto(tally, task.tag)
  switch (task.adapter) {
    case 'core': {
      const client = createLogsIngestionClient({ ...task.options, onDrop })
      return {
        log: (body) => client.push({ TimeGenerated: new Date(), SeverityText: 'info', SeverityNumber: 9, Body: body }),
        stats: () => client.stats(),
        close: async () => {
          await client.close({ timeoutMs: task.closeTimeoutMs })
        },
      }
    }
    case 'winston': {
      const { AzureLogsTransport } = await import('@dcr-logs/winston')
      const { default: winston } = await import('winston')
      const transport = new AzureLogsTransport({ ...task.options, closeTimeoutMs: task.closeTimeoutMs, onDrop })
      const logger = winston.createLogger({ level: 'info', transports: [transport] })
      return {
        log: (body) => logger.info(body),
        stats: () => transport.stats(),
        close: () =>
          new Promise<void>((resolve) => {
            logger.on('finish', () => resolve())
            logger.end()
          }),
      }
    }
    case 'pino': {
      const { EVENTS } = await import('@dcr-logs/pino')
      const { default: pino } = await import('pino')
      const target = pino.transport({
        target: '@dcr-logs/pino',
        // pino gives its worker 10 s at exit
        options: { ...task.options, closeTimeoutMs: Math.min(task.closeTimeoutMs, 8_000) },
      })
      let stats: LogsIngestionStats | undefined
      target.on(EVENTS.drop, (report: { reason: string; records: number }) => {
        tally.counts[report.reason] = (tally.counts[report.reason] ?? 0) + report.records
      })
      target.on(EVENTS.stats, (s: LogsIngestionStats) => {
        stats = s
      })
      const logger = pino({ level: 'info' }, target)
      // thread-stream holds its stream only weakly and a pending flush does not retain it (see @dcr-logs/pino's
      // README, Lifecycle): keep the logger reachable from module scope for the life of the child
      keptAlive.add(logger)
      return {
        log: (body) => logger.info(body),
        stats: () => stats,
        close: async () => {
          // flush waits for delivery (or drop reports); end() then stops the worker, and 'finish' says it is done
          await new Promise<void>((resolve) => logger.flush(() => resolve()))
          target.end()
          await once(target, 'finish')
        },
      }
    }
    case 'opentelemetry': {
      const { AzureLogsExporter, createBatchLogRecordProcessor } = await import('@dcr-logs/opentelemetry')
      const { BatchLogRecordProcessor, LoggerProvider } = await import('@opentelemetry/sdk-logs')
      const exporter = new AzureLogsExporter({ ...task.options, closeTimeoutMs: task.closeTimeoutMs, onDrop })
      const processor = createBatchLogRecordProcessor(BatchLogRecordProcessor, exporter, {
        // the SDK drops silently past its queue: give it room for a burst, and export often
        maxQueueSize: 1_000_000,
        maxExportBatchSize: 2_048,
        scheduledDelayMillis: 100,
      })
      const provider = new LoggerProvider({ processors: [processor] } as never)
      const logger = provider.getLogger('chaos')
      return {
        log: (body) => logger.emit({ body, severityText: 'info', severityNumber: 9 }),
        stats: () => exporter.stats(),
        close: () => provider.shutdown(),
      }
    }
  }
}
