import * as sdkLogs from '@opentelemetry/sdk-logs'
import * as sdkLogs0215 from 'sdk-logs-0215'
import { describe, expect, it } from 'vitest'
import { batchProcessorConfigFromEnv } from '../src/env.ts'
import type { ExportResultLike, ReadableLogRecordLike } from '../src/otel-types.ts'
import { createBatchLogRecordProcessor, type LogRecordExporterLike } from '../src/processor.ts'

/** Records what the processor hands over, batch by batch. */
class RecordingExporter implements LogRecordExporterLike {
  readonly batches: string[][] = []
  flushes = 0
  shutdowns = 0
  export(logs: ReadableLogRecordLike[], resultCallback: (result: ExportResultLike) => void): void {
    this.batches.push(logs.map((l) => String(l.body)))
    resultCallback({ code: 0 })
  }
  async forceFlush(): Promise<void> {
    this.flushes++
  }
  async shutdown(): Promise<void> {
    this.shutdowns++
  }
}

// 0.223 takes an options object, 0.215 (the lowest in the peer range) takes (exporter, config)
describe.each([
  ['0.223 (options object)', sdkLogs],
  ['0.215 (exporter, config)', sdkLogs0215 as unknown as typeof sdkLogs],
])('createBatchLogRecordProcessor with sdk-logs %s', (_line, sdk) => {
  it('builds a working processor with the given batch size', async () => {
    const exporter = new RecordingExporter()
    const processor = createBatchLogRecordProcessor(sdk.BatchLogRecordProcessor, exporter, {
      maxExportBatchSize: 3,
      env: {},
    })
    const provider = new sdk.LoggerProvider({ processors: [processor] })
    const logger = provider.getLogger('p')
    for (let i = 0; i < 7; i++) logger.emit({ body: `r${i}` })
    await provider.forceFlush()
    expect(exporter.batches).toEqual([['r0', 'r1', 'r2'], ['r3', 'r4', 'r5'], ['r6']])
    expect(processor).toBeInstanceOf(sdk.BatchLogRecordProcessor)
    // with nothing queued the SDK's processor does not call the exporter; ours does
    const before = exporter.flushes
    await provider.forceFlush()
    expect(exporter.flushes).toBe(before + 1)
    await provider.shutdown()
    expect(exporter.shutdowns).toBe(1)
  })

  it('reads OTEL_BLRP_* variables, with explicit settings winning', async () => {
    const batchesWith = async (options: Parameters<typeof createBatchLogRecordProcessor>[2]) => {
      const exporter = new RecordingExporter()
      const processor = createBatchLogRecordProcessor(sdk.BatchLogRecordProcessor, exporter, options)
      const provider = new sdk.LoggerProvider({ processors: [processor] })
      for (let i = 0; i < 5; i++) provider.getLogger('p').emit({ body: `r${i}` })
      await provider.shutdown()
      return exporter.batches.map((b) => b.length)
    }
    const env = { OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: '2' }
    expect(await batchesWith({ env })).toEqual([2, 2, 1])
    expect(await batchesWith({ env, maxExportBatchSize: 4 })).toEqual([4, 1])
    expect(await batchesWith({ env, maxExportBatchSize: undefined as never })).toEqual([2, 2, 1])
  })
})

describe('batchProcessorConfigFromEnv', () => {
  it('reads the four standard variables', () => {
    expect(
      batchProcessorConfigFromEnv({
        OTEL_BLRP_SCHEDULE_DELAY: '250',
        OTEL_BLRP_EXPORT_TIMEOUT: ' 10000 ',
        OTEL_BLRP_MAX_QUEUE_SIZE: '4096',
        OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: '1024',
        OTEL_LOGS_EXPORTER: 'none',
      }),
    ).toEqual({ scheduledDelayMillis: 250, exportTimeoutMillis: 10000, maxQueueSize: 4096, maxExportBatchSize: 1024 })
    expect(batchProcessorConfigFromEnv({ OTEL_BLRP_SCHEDULE_DELAY: '' })).toEqual({})
  })

  it('names the variable and the value it could not use', () => {
    expect(() => batchProcessorConfigFromEnv({ OTEL_BLRP_MAX_QUEUE_SIZE: '2k' })).toThrow(
      'OTEL_BLRP_MAX_QUEUE_SIZE must be a positive integer (got "2k")',
    )
    expect(() => batchProcessorConfigFromEnv({ OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: '0' })).toThrow(/positive integer/)
    expect(() => batchProcessorConfigFromEnv({ OTEL_BLRP_SCHEDULE_DELAY: '-1' })).toThrow(/non-negative integer/)
  })
})
