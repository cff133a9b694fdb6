import { context, trace } from '@opentelemetry/api'
import { SeverityNumber } from '@opentelemetry/api-logs'
import { resourceFromAttributes } from '@opentelemetry/resources'
import {
  BatchLogRecordProcessor,
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs'
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node'
import * as sdkLogs0215 from 'sdk-logs-0215'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { AzureLogsExporter } from '../src/exporter.ts'
import { createBatchLogRecordProcessor } from '../src/processor.ts'
import { type Emulator, exporterOptions, exportResult, newRun, rowsOf, startEmulator } from './support.ts'

let emulator: Emulator
const cleanups: (() => Promise<unknown> | unknown)[] = []

beforeAll(async () => {
  emulator = await startEmulator()
})
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})
afterAll(async () => {
  await emulator?.close()
})

/** A provider with our exporter behind a BatchLogRecordProcessor (sdk-logs ≥ 0.220 form), shut down after the test. */
function batchProvider(
  options: ConstructorParameters<typeof AzureLogsExporter>[0] = {},
  resource: Record<string, string> = { 'service.name': 'otel-e2e' },
) {
  const exporter = new AzureLogsExporter(exporterOptions(emulator, options))
  const provider = new LoggerProvider({
    resource: resourceFromAttributes(resource),
    processors: [new BatchLogRecordProcessor({ exporter })],
  })
  cleanups.push(() => provider.shutdown())
  return { exporter, provider, logger: provider.getLogger('e2e-scope', '1.4.2') }
}

/** Real records from a real provider, for calling `export()` directly. */
function someRecords(run: string, count: number) {
  const memory = new InMemoryLogRecordExporter()
  const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter: memory })] })
  for (let i = 0; i < count; i++) provider.getLogger('direct').emit({ body: `record ${i}`, attributes: { run, i } })
  return memory.getFinishedLogRecords()
}

describe('AzureLogsExporter with a BatchLogRecordProcessor', () => {
  it('delivers every field, with the trace context of the active span', async () => {
    const tracerProvider = new NodeTracerProvider()
    tracerProvider.register() // AsyncLocalStorage context manager, so startActiveSpan sets the active context
    cleanups.push(async () => {
      await tracerProvider.shutdown()
      trace.disable()
      context.disable()
    })
    const run = newRun()
    const { provider, logger } = batchProvider(
      {},
      { 'service.name': 'checkout', 'service.version': '1.0.0', 'host.name': 'web-7', region: 'eu' },
    )
    // an hour ago: the service (and the emulator) replace times more than a day ahead or two days back
    const seconds = Math.floor(Date.now() / 1000) - 3600
    const spanContext = trace.getTracer('e2e').startActiveSpan('charge', (span) => {
      logger.emit({
        timestamp: [seconds, 123_456_789],
        severityNumber: SeverityNumber.ERROR,
        severityText: 'ERROR',
        body: { message: 'charge failed', amount: 12 },
        eventName: 'payment.failed',
        attributes: { run, 'order.id': 'o-1', nested: { a: [1, 2] } },
        exception: Object.assign(new Error('card expired'), { name: 'CardError' }),
      })
      span.end()
      return span.spanContext()
    })
    await provider.forceFlush()

    // forceFlush resolved: the row is in the table already, no waiting
    const rows = rowsOf(emulator, run)
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({
      // the emulator stores datetime columns as Date: milliseconds (the microseconds are checked in map-record.test)
      TimeGenerated: new Date(seconds * 1000 + 123),
      ObservedTimestamp: expect.any(Date),
      SeverityText: 'ERROR',
      SeverityNumber: 17,
      Body: '{"message":"charge failed","amount":12}',
      Attributes: { run, 'order.id': 'o-1', nested: { a: [1, 2] } },
      // the default resource selection: no region, and service.name and host.name only in their columns
      Resource: { 'service.version': '1.0.0' },
      ServiceName: 'checkout',
      HostName: 'web-7',
      TraceId: spanContext.traceId,
      SpanId: spanContext.spanId,
      TraceFlags: 1,
      ScopeName: 'e2e-scope',
      ScopeVersion: '1.4.2',
      EventName: 'payment.failed',
      ExceptionType: 'CardError',
      ExceptionMessage: 'card expired',
      ExceptionStacktrace: expect.stringContaining('CardError: card expired'),
    })
    expect(rows[0]!.Attributes).not.toHaveProperty('exception.stacktrace')
  })

  it('sends nothing before forceFlush when the linger is long, everything once it resolves', async () => {
    const run = newRun()
    const { provider, logger } = batchProvider({ lingerMs: 600_000 })
    for (let i = 0; i < 25; i++) logger.emit({ body: `m${i}`, attributes: { run, i } })
    await provider.forceFlush()
    expect(rowsOf(emulator, run).map((r) => r.Body)).toEqual(Array.from({ length: 25 }, (_, i) => `m${i}`))
  })

  it('delivers pending records on shutdown, then answers exports with FAILED at once', async () => {
    const run = newRun()
    const { exporter, provider, logger } = batchProvider({ lingerMs: 600_000 })
    for (let i = 0; i < 10; i++) logger.emit({ body: 'before shutdown', attributes: { run } })
    await provider.shutdown()
    expect(rowsOf(emulator, run)).toHaveLength(10)

    const late = exportResult(exporter, someRecords(run, 3))
    await expect(late).resolves.toMatchObject({ code: 1, error: { name: 'LogsIngestionError', code: 'CLOSED' } })
    expect(late.calls()).toBe(1)
    await expect(exporter.forceFlush()).resolves.toBeUndefined()
    await expect(exporter.shutdown()).resolves.toBeUndefined() // idempotent
    expect(rowsOf(emulator, run)).toHaveLength(10)
  })

  it('delivers 10,000 records without losing one, in far fewer requests than processor batches', async () => {
    const run = newRun()
    const requestsBefore = emulator.requests().length
    const { exporter, provider, logger } = batchProvider()
    const total = 10_000
    // yield now and then, as a real app does, so the processor's queue (2048) never overflows
    for (let i = 0; i < total; i++) {
      logger.emit({ severityNumber: SeverityNumber.INFO, body: `record ${i}`, attributes: { run, i } })
      if (i % 256 === 255) await new Promise((resolve) => setImmediate(resolve))
    }
    await provider.shutdown()

    const rows = rowsOf(emulator, run)
    expect(rows).toHaveLength(total)
    expect(new Set(rows.map((r) => r.Attributes?.['i'])).size).toBe(total)
    const stats = exporter.stats()
    expect(stats.records).toMatchObject({ accepted: total, delivered: total, dropped: 0, queued: 0, inFlight: 0 })
    // a processor batch is 512 records: without packing across exports this would take at least 20 requests
    expect(emulator.requests().length - requestsBefore).toBeLessThan(total / 512)
  })

  it('provider.forceFlush() delivers records the processor already handed over, with createBatchLogRecordProcessor', async () => {
    const run = newRun()
    const exporter = new AzureLogsExporter(exporterOptions(emulator, { lingerMs: 600_000 }))
    const processor = createBatchLogRecordProcessor(BatchLogRecordProcessor, exporter, {
      scheduledDelayMillis: 1,
      env: {},
    })
    const provider = new LoggerProvider({ processors: [processor] })
    cleanups.push(() => provider.shutdown())
    provider.getLogger('handed-over').emit({ body: 'already exported', attributes: { run } })
    // the processor's timer exports the record: it now sits in core's buffer, the processor's queue is empty
    await vi.waitFor(() => expect(exporter.stats().records.queued).toBe(1))
    await provider.forceFlush()
    expect(rowsOf(emulator, run)).toHaveLength(1)
  })

  it('works with the (exporter, config) constructor of sdk-logs 0.215 through createBatchLogRecordProcessor', async () => {
    const run = newRun()
    const exporter = new AzureLogsExporter(exporterOptions(emulator))
    const processor = createBatchLogRecordProcessor(sdkLogs0215.BatchLogRecordProcessor, exporter, { env: {} })
    const provider = new sdkLogs0215.LoggerProvider({ processors: [processor] })
    cleanups.push(() => provider.shutdown())
    for (let i = 0; i < 5; i++) provider.getLogger('legacy').emit({ body: `legacy ${i}`, attributes: { run } })
    await provider.forceFlush()
    expect(rowsOf(emulator, run)).toHaveLength(5)
    expect(rowsOf(emulator, run)[0]).toMatchObject({ ScopeName: 'legacy', Body: 'legacy 0' })
  })
})

describe('AzureLogsExporter with a SimpleLogRecordProcessor', () => {
  it('delivers each record; exporter.forceFlush() waits for them', async () => {
    const run = newRun()
    const exporter = new AzureLogsExporter(exporterOptions(emulator, { lingerMs: 600_000 }))
    const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] })
    cleanups.push(() => provider.shutdown())
    for (let i = 0; i < 5; i++) provider.getLogger('simple').emit({ body: `s${i}`, attributes: { run } })
    // SimpleLogRecordProcessor.forceFlush() does not reach the exporter: flush the exporter itself
    await exporter.forceFlush()
    expect(rowsOf(emulator, run)).toHaveLength(5)
  })
})

describe('export() results', () => {
  it("calls back once per call, SUCCESS after delivery, for overlapping calls in 'delivered' mode", async () => {
    const run = newRun()
    const exporter = new AzureLogsExporter(exporterOptions(emulator, { acknowledge: 'delivered' }))
    cleanups.push(() => exporter.shutdown())
    const calls = Array.from({ length: 8 }, () => exportResult(exporter, someRecords(run, 50)))
    const results = await Promise.all(calls)
    expect(results.map((r) => r.code)).toEqual(Array(8).fill(0))
    expect(calls.map((c) => c.calls())).toEqual(Array(8).fill(1))
    // delivered means delivered: the rows are there when the callbacks have run
    expect(rowsOf(emulator, run)).toHaveLength(400)
  })

  it("reports FAILED with the reason when the service refuses the batch ('delivered' mode, unknown DCR)", async () => {
    const run = newRun()
    const drops: string[] = []
    const exporter = new AzureLogsExporter(
      exporterOptions(emulator, {
        acknowledge: 'delivered',
        ruleId: 'dcr-00000000000000000000000000000000',
        onDrop: (event) => drops.push(event.reason),
      }),
    )
    cleanups.push(() => exporter.shutdown())
    const result = await exportResult(exporter, someRecords(run, 4))
    expect(result).toMatchObject({ code: 1, error: { code: 'NOT_FOUND', records: 4 } })
    expect(result.error?.message).toMatch(/4 of 4 log records were not delivered \(not-found 4\)/)
    expect(drops).toEqual(['not-found'])
    expect(exporter.stats().droppedByReason).toEqual({ 'not-found': 4 })
  })

  it("reports FAILED when core's buffer is full, and counts every record", async () => {
    const run = newRun()
    const exporter = new AzureLogsExporter(
      exporterOptions(emulator, { maxBufferRecords: 10, overflow: 'drop-newest', lingerMs: 600_000 }),
    )
    cleanups.push(() => exporter.shutdown())
    const result = await exportResult(exporter, someRecords(run, 25))
    expect(result).toMatchObject({ code: 1, error: { code: 'BUFFER_FULL', records: 15 } })
    expect(result.error?.message).toMatch(/^15 of 25 log records were not delivered \(buffer-full 15\)/)
    await exporter.shutdown()
    expect(rowsOf(emulator, run)).toHaveLength(10)
    expect(exporter.stats().records).toMatchObject({ delivered: 10, dropped: 15 })
  })

  it('acknowledges once buffered by default: SUCCESS before delivery, rows after forceFlush', async () => {
    const run = newRun()
    const exporter = new AzureLogsExporter(exporterOptions(emulator, { lingerMs: 600_000 }))
    cleanups.push(() => exporter.shutdown())
    await expect(exportResult(exporter, someRecords(run, 30))).resolves.toEqual({ code: 0 })
    expect(rowsOf(emulator, run)).toHaveLength(0)
    expect(exporter.stats().records.queued).toBe(30)
    await exporter.forceFlush()
    expect(rowsOf(emulator, run)).toHaveLength(30)
  })

  it('forceFlush waits out retries of transient failures (503, then a reset connection)', async () => {
    const run = newRun()
    emulator.setFaults([
      {
        sequence: [
          { type: 'status', status: 503, retryAfterSeconds: 0 },
          { type: 'reset', when: 'after-body' },
        ],
      },
    ])
    cleanups.push(() => emulator.setFaults(undefined))
    const exporter = new AzureLogsExporter(exporterOptions(emulator, { initialDelayMs: 10, maxDelayMs: 50 }))
    cleanups.push(() => exporter.shutdown())
    await expect(exportResult(exporter, someRecords(run, 20))).resolves.toEqual({ code: 0 })
    await exporter.forceFlush()
    expect(rowsOf(emulator, run)).toHaveLength(20)
    expect(exporter.stats().records).toMatchObject({ delivered: 20, dropped: 0 })
    expect(exporter.stats().records.retried).toBeGreaterThan(0)
  })

  it("reports FAILED with RETRIES_EXHAUSTED when 503s outlast maxRetryTimeMs ('delivered' mode)", async () => {
    const run = newRun()
    emulator.setFaults([{ fault: { type: 'status', status: 503, retryAfterSeconds: 0 } }])
    cleanups.push(() => emulator.setFaults(undefined))
    const exporter = new AzureLogsExporter(
      exporterOptions(emulator, { acknowledge: 'delivered', maxRetryTimeMs: 300, initialDelayMs: 10, maxDelayMs: 50 }),
    )
    cleanups.push(() => exporter.shutdown())
    const call = exportResult(exporter, someRecords(run, 5))
    const result = await call
    expect(result).toMatchObject({ code: 1, error: { code: 'RETRIES_EXHAUSTED', records: 5 } })
    expect(call.calls()).toBe(1)
    expect(exporter.stats().droppedByReason).toEqual({ 'retries-exhausted': 5 })
    expect(exporter.stats().records.retried).toBeGreaterThan(0)
    expect(rowsOf(emulator, run)).toEqual([])
  })

  it("reports FAILED with FORBIDDEN on 403 in 'delivered' mode; in 'buffered' mode the drop reaches onDrop", async () => {
    const run = newRun()
    emulator.setFaults([{ fault: { type: 'status', status: 403 } }])
    cleanups.push(() => emulator.setFaults(undefined))
    const drops: { reason: string; records: number }[] = []
    const options = exporterOptions(emulator, {
      forbiddenRetryMs: 0,
      onDrop: (event) => drops.push({ reason: event.reason, records: event.records.length }),
    })
    const strict = new AzureLogsExporter({ ...options, acknowledge: 'delivered' })
    cleanups.push(() => strict.shutdown())
    const result = await exportResult(strict, someRecords(run, 6))
    expect(result).toMatchObject({ code: 1, error: { code: 'FORBIDDEN', records: 6 } })
    expect(result.error?.message).toContain('6 of 6 log records were not delivered (forbidden 6)')

    const lenient = new AzureLogsExporter(options)
    cleanups.push(() => lenient.shutdown())
    await expect(exportResult(lenient, someRecords(run, 4))).resolves.toEqual({ code: 0 })
    await lenient.forceFlush()
    expect(lenient.stats().droppedByReason).toEqual({ forbidden: 4 })
    expect(drops).toEqual([
      { reason: 'forbidden', records: 6 },
      { reason: 'forbidden', records: 4 },
    ])
    expect(rowsOf(emulator, run)).toHaveLength(0)
  })

  it("reports FAILED when delivery is not confirmed within flushTimeoutMs ('delivered' mode), and still delivers", async () => {
    const run = newRun()
    emulator.setFaults([{ fault: { type: 'latency', ms: 1000 }, times: 1 }])
    cleanups.push(() => emulator.setFaults(undefined))
    const exporter = new AzureLogsExporter(exporterOptions(emulator, { acknowledge: 'delivered', flushTimeoutMs: 50 }))
    cleanups.push(() => exporter.shutdown())
    const result = await exportResult(exporter, someRecords(run, 3))
    expect(result).toMatchObject({ code: 1, error: { code: 'RETRIES_EXHAUSTED', retriable: true } })
    expect(result.error?.message).toMatch(
      /^3 log records not confirmed within flushTimeoutMs \(50 ms\): 3 records still pending/,
    )
    // not lost: core keeps the records and delivers them once the slow request completes
    await exporter.shutdown()
    expect(rowsOf(emulator, run)).toHaveLength(3)
  })

  it("with overflow: 'wait', holds the callback until core has room instead of dropping", async () => {
    const run = newRun()
    const exporter = new AzureLogsExporter(
      exporterOptions(emulator, { maxBufferRecords: 10, overflow: 'wait', lingerMs: 0 }),
    )
    cleanups.push(() => exporter.shutdown())
    await expect(exportResult(exporter, someRecords(run, 35))).resolves.toEqual({ code: 0 })
    await exporter.forceFlush()
    expect(rowsOf(emulator, run)).toHaveLength(35)
    expect(exporter.stats().records).toMatchObject({ delivered: 35, dropped: 0 })
  })

  it('never throws, even when the processor callback does', async () => {
    const exporter = new AzureLogsExporter(exporterOptions(emulator))
    cleanups.push(() => exporter.shutdown())
    let calls = 0
    expect(() =>
      exporter.export(someRecords(newRun(), 1), () => {
        calls++
        throw new Error('callback bug')
      }),
    ).not.toThrow()
    await vi.waitFor(() => expect(calls).toBe(1))
    await exporter.forceFlush()
    expect(calls).toBe(1)
  })
})

describe('options', () => {
  it('rejects an unknown acknowledge mode with the valid values', () => {
    expect(() => new AzureLogsExporter(exporterOptions(emulator, { acknowledge: 'eventually' as never }))).toThrow(
      expect.objectContaining({
        code: 'INVALID_OPTIONS',
        message: `acknowledge must be 'buffered' or 'delivered' (got "eventually")`,
      }),
    )
  })

  it("passes core's validation errors through", () => {
    expect(() => new AzureLogsExporter({ ...exporterOptions(emulator), endpoint: 'ftp://x' })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTIONS', message: expect.stringContaining('endpoint') }),
    )
  })
})
