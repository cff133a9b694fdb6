/**
 * Findings of issue 13 for the OpenTelemetry exporter, with real LoggerProviders and processors against the
 * emulator: full requests through forceFlush()/shutdown(), a bounded shutdown behind a plain processor, deadlines,
 * unreadable records, scope attributes and the resource selection.
 */

import { randomUUID } from 'node:crypto'
import type { DropEvent } from '@dcr-logs/core'
import { SeverityNumber } from '@opentelemetry/api-logs'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs'
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
  vi.useRealTimers()
  vi.restoreAllMocks()
  emulator.setFaults(undefined)
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  emulator.reset()
})
afterAll(async () => {
  await emulator?.close()
})

/** Requests the emulator answered since `from` (index into its request log). */
const requestsSince = (from: number) => emulator.requests().slice(from)

/**
 * Emits `count` records into `provider` at once (the processor's queue must hold them all). Each carries a random
 * request id, as real logs carry ids: repetitive test records would compress into a single request.
 */
const emitAll = (provider: LoggerProvider, run: string, count: number) => {
  const logger = provider.getLogger('burst')
  for (let i = 0; i < count; i++) {
    logger.emit({
      severityNumber: SeverityNumber.INFO,
      body: `GET /orders/${i % 9973} 200`,
      attributes: { run, i, 'request.id': randomUUID() },
    })
  }
}

describe('createBatchLogRecordProcessor keeps requests full', () => {
  it('through shutdown(): 20,000 queued records travel in a few full requests, not one per 512-record batch', async () => {
    const run = newRun()
    const exporter = new AzureLogsExporter(exporterOptions(emulator))
    const processor = createBatchLogRecordProcessor(BatchLogRecordProcessor, exporter, {
      maxQueueSize: 20_000,
      env: {},
    })
    const provider = new LoggerProvider({ processors: [processor] })
    const before = emulator.requests().length
    emitAll(provider, run, 20_000)
    await provider.shutdown()
    expect(rowsOf(emulator, run)).toHaveLength(20_000)
    // 40 batches of 512; core packs them into requests of up to 1 MiB gzip (about 25,000 of these records)
    expect(requestsSince(before).length).toBeLessThanOrEqual(3)
  })

  it('through forceFlush(), likewise', async () => {
    const run = newRun()
    const exporter = new AzureLogsExporter(exporterOptions(emulator, { lingerMs: 600_000 }))
    const processor = createBatchLogRecordProcessor(BatchLogRecordProcessor, exporter, {
      maxQueueSize: 20_000,
      env: {},
    })
    const provider = new LoggerProvider({ processors: [processor] })
    cleanups.push(() => provider.shutdown())
    const before = emulator.requests().length
    emitAll(provider, run, 20_000)
    await provider.forceFlush()
    expect(rowsOf(emulator, run)).toHaveLength(20_000)
    expect(requestsSince(before).length).toBeLessThanOrEqual(3)
  })

  it('delivers 100,000 records within 30 s of shutdown() while 40 % of requests get 429 (Retry-After 2 s) and 10 % a reset', async () => {
    const run = newRun()
    emulator.setFaults({
      seed: 13,
      rules: [
        { fault: { type: 'status', status: 429, retryAfterSeconds: 2 }, probability: 0.4 },
        // drawn only for requests the first rule let through: 1/6 of the other 60 % is 10 % of all
        { fault: { type: 'reset', when: 'after-body' }, probability: 1 / 6 },
      ],
    })
    const drops: DropEvent[] = []
    // the bound: everything delivered within 30 s of shutdown() (core's default close deadline is 10 s)
    const exporter = new AzureLogsExporter(
      exporterOptions(emulator, { shutdownTimeoutMs: 30_000, onDrop: (e) => drops.push(e) }),
    )
    const processor = createBatchLogRecordProcessor(BatchLogRecordProcessor, exporter, {
      maxQueueSize: 100_000,
      env: {},
    })
    const provider = new LoggerProvider({ processors: [processor] })
    emitAll(provider, run, 100_000)
    const started = Date.now()
    await provider.shutdown()
    const elapsed = Date.now() - started
    expect(drops.map((d) => d.reason)).toEqual([])
    expect(exporter.stats().records).toMatchObject({ delivered: 100_000, dropped: 0 })
    expect(new Set(rowsOf(emulator, run).map((r) => r.Attributes?.['i'])).size).toBe(100_000)
    expect(elapsed).toBeLessThan(30_000)
    // the faults did happen, to requests of tens of thousands of records each
    const requests = emulator.requests()
    expect(requests.filter((r) => r.status === 429).length).toBeGreaterThan(0)
    expect(requests.filter((r) => r.status === 204).length).toBeLessThanOrEqual(5)
  }, 120_000)
})

describe('behind a plain BatchLogRecordProcessor', () => {
  it('shutdown() stays bounded by the exporter deadlines during an outage, and reports every record it could not deliver', async () => {
    const run = newRun()
    emulator.setFaults({ rules: [{ fault: { type: 'status', status: 503, retryAfterSeconds: 0 } }] })
    const drops: DropEvent[] = []
    const exporter = new AzureLogsExporter(
      exporterOptions(emulator, {
        flushTimeoutMs: 1_000,
        shutdownTimeoutMs: 1_000,
        initialDelayMs: 50,
        maxDelayMs: 100,
        onDrop: (e) => drops.push(e),
      }),
    )
    // 20 batches: 20 forceFlush() calls from the SDK's processor, each of which used to wait its own deadline
    const provider = new LoggerProvider({
      processors: [new BatchLogRecordProcessor({ exporter, maxQueueSize: 10_240 })],
    })
    emitAll(provider, run, 10_240)
    const started = Date.now()
    await provider.shutdown()
    const elapsed = Date.now() - started
    expect(elapsed).toBeLessThan(10_000)
    expect(drops.reduce((n, d) => n + d.records.length, 0)).toBe(10_240)
    expect(exporter.stats().records).toMatchObject({ delivered: 0, dropped: 10_240 })
    expect(rowsOf(emulator, run)).toHaveLength(0)
  })
})

describe('deadlines', () => {
  it('gives forceFlush() a default deadline (flushTimeoutMs, 10 s), below the processor export timeout', async () => {
    emulator.setFaults({ rules: [{ fault: { type: 'hang' } }] })
    const exporter = new AzureLogsExporter(exporterOptions(emulator, { lingerMs: 0, shutdownTimeoutMs: 100 }))
    cleanups.push(() => exporter.shutdown())
    await exportResult(exporter, [record()])
    await vi.waitFor(() => expect(exporter.stats().records.inFlight).toBe(1))
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    let done = false
    void exporter.forceFlush().then(() => {
      done = true
    })
    await vi.advanceTimersByTimeAsync(9_900)
    expect(done).toBe(false)
    await vi.advanceTimersByTimeAsync(200)
    expect(done).toBe(true)
  })

  it("answers a 'delivered' export within the default deadline instead of letting the processor time it out", async () => {
    emulator.setFaults({ rules: [{ fault: { type: 'hang' } }] })
    const exporter = new AzureLogsExporter(
      exporterOptions(emulator, { acknowledge: 'delivered', lingerMs: 0, shutdownTimeoutMs: 100 }),
    )
    cleanups.push(() => exporter.shutdown())
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    let answered = false
    const result = exportResult(exporter, [record()])
    void result.then(() => {
      answered = true
    })
    await vi.advanceTimersByTimeAsync(9_900)
    expect(answered).toBe(false)
    await vi.advanceTimersByTimeAsync(200)
    expect(answered).toBe(true)
    await expect(result).resolves.toMatchObject({ code: 1, error: { code: 'RETRIES_EXHAUSTED' } })
  })
})

describe('what the exporter cannot read', () => {
  it('is reported to onDrop and counted in stats(), like every other undelivered record', async () => {
    const drops: DropEvent[] = []
    const exporter = new AzureLogsExporter(exporterOptions(emulator, { onDrop: (e) => drops.push(e) }))
    cleanups.push(() => exporter.shutdown())
    const unreadable = {
      ...record(),
      get body(): unknown {
        throw new Error('body getter failed')
      },
    }
    const result = await exportResult(exporter, [record(), unreadable])
    expect(result).toMatchObject({ code: 1, error: { code: 'INVALID_RECORD', records: 1 } })
    expect(result.error?.message).toMatch(/1 of 2 log records were not delivered \(invalid-record 1\)/)
    expect(exporter.stats()).toMatchObject({ records: { dropped: 1 }, droppedByReason: { 'invalid-record': 1 } })
    expect(drops.map((d) => [d.reason, d.error.message])).toEqual([
      ['invalid-record', expect.stringContaining('the log record could not be read: body getter failed')],
    ])
  })
})

describe('columns', () => {
  it('writes scope attributes and droppedAttributesCount, and EventName once, through a real provider', async () => {
    const run = newRun()
    const exporter = new AzureLogsExporter(exporterOptions(emulator))
    const provider = new LoggerProvider({
      logRecordLimits: { attributeCountLimit: 3 },
      processors: [createBatchLogRecordProcessor(BatchLogRecordProcessor, exporter, { env: {} })],
    })
    cleanups.push(() => provider.shutdown())
    provider
      .getLogger('orders', '3.1.0', { attributes: { 'code.namespace': 'orders.api' } })
      .emit({ body: 'placed', attributes: { run, 'event.name': 'order.placed', a: 1, b: 2 } })
    await provider.forceFlush()
    const [row] = rowsOf(emulator, run)
    expect(row).toMatchObject({
      EventName: 'order.placed',
      ScopeName: 'orders',
      ScopeVersion: '3.1.0',
      Attributes: {
        run,
        a: 1,
        'otel.scope.attributes': { 'code.namespace': 'orders.api' },
        'otel.dropped_attributes_count': 1,
      },
    })
    expect(row!.Attributes).not.toHaveProperty('event.name')
  })

  it("writes only the default resource attributes, without those that have a column, unless resourceAttributes says 'all'", async () => {
    const resource = resourceFromAttributes({
      'service.name': 'checkout',
      'service.version': '4.1.0',
      'host.name': 'web-3',
      'process.command_args': ['node', '--max-old-space-size=4096', 'server.js'],
      'process.runtime.description': 'Node.js',
      'telemetry.sdk.version': '2.12.0',
    })
    const rowFor = async (resourceAttributes?: 'all') => {
      const run = newRun()
      const exporter = new AzureLogsExporter(
        exporterOptions(emulator, resourceAttributes ? { resourceAttributes } : {}),
      )
      const provider = new LoggerProvider({
        resource,
        processors: [createBatchLogRecordProcessor(BatchLogRecordProcessor, exporter, { env: {} })],
      })
      provider.getLogger('r').emit({ body: 'x', attributes: { run } })
      await provider.shutdown()
      return rowsOf(emulator, run)[0]!
    }
    // service.name and host.name are in their columns; the detectors' process and SDK details are left out
    expect(await rowFor()).toMatchObject({
      Resource: { 'service.version': '4.1.0' },
      ServiceName: 'checkout',
      HostName: 'web-3',
    })
    expect(Object.keys((await rowFor('all'))['Resource'] as object)).toHaveLength(6)
  })
})

describe('options', () => {
  it('warns once per unknown option name, naming the closest one; strictOptions makes it an error', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {})
    cleanups.push(() => exporter.shutdown())
    const exporter = new AzureLogsExporter({ ...exporterOptions(emulator), acknowlege: 'delivered' } as never)
    expect(warn.mock.calls.map((c) => String(c[0]))).toEqual([
      expect.stringContaining('AzureLogsExporter: unknown option "acknowlege" (did you mean "acknowledge"?)'),
    ])
    expect(
      () => new AzureLogsExporter({ ...exporterOptions(emulator), strictOptions: true, flushTimeout: 5 } as never),
    ).toThrow(
      expect.objectContaining({
        code: 'INVALID_OPTIONS',
        message: expect.stringContaining('"flushTimeout" (did you mean "flushTimeoutMs"?)'),
      }),
    )
  })
})

/** A hand-made record with every field the exporter reads. */
function record() {
  const now = Date.now()
  return {
    hrTime: [Math.floor(now / 1000), (now % 1000) * 1e6] as [number, number],
    hrTimeObserved: [Math.floor(now / 1000), (now % 1000) * 1e6] as [number, number],
    body: 'hand-made',
    resource: { attributes: {} },
    instrumentationScope: { name: 'manual' },
    attributes: {},
  }
}
