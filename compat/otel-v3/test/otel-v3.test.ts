import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import type { AzureLogsExporter as Exporter, ExportResultLike } from '@dcr-logs/opentelemetry'
import type { Emulator } from '@dcr-logs/test-harness'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

/** sdk-logs 3.x (and core, resources, context-async-hooks 3.x) declare engines ">=22.15.0". */
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number)
const SUPPORTED = major > 22 || (major === 22 && minor >= 15)
const SKIP_REASON = `OpenTelemetry JS 3.x needs Node >= 22.15 (running ${process.version}); CI covers it on Node 24`

type Sdk = typeof import('@opentelemetry/sdk-logs')
type Api = typeof import('@opentelemetry/api')
type Ours = typeof import('@dcr-logs/opentelemetry')

interface Row {
  [column: string]: unknown
  Body?: unknown
  Attributes?: Record<string, unknown>
}

describe.skipIf(!SUPPORTED)('@dcr-logs/opentelemetry with OpenTelemetry JS 3.x (sdk-logs 3.1.1, api 1.10)', () => {
  let emulator: Emulator
  let sdk: Sdk
  let api: Api
  let ours: Ours
  let resources: typeof import('@opentelemetry/resources')
  const cleanups: (() => Promise<unknown> | unknown)[] = []

  beforeAll(async () => {
    // imported here so Node 20 never loads the 3.x line at all
    sdk = await import('@opentelemetry/sdk-logs')
    api = await import('@opentelemetry/api')
    resources = await import('@opentelemetry/resources')
    ours = await import('@dcr-logs/opentelemetry')
    const { startEmulator } = await import('@dcr-logs/test-harness')
    emulator = await startEmulator()
  })
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })
  afterAll(async () => {
    await emulator?.close()
  })

  /** A real @azure/identity 4.14 credential (the newest line, Node 22+) against the emulator's token service. */
  async function azureCredential() {
    const { ClientSecretCredential } = await import('@azure/identity')
    return new ClientSecretCredential(emulator.tenantId, emulator.clientId, emulator.clientSecret, {
      authorityHost: emulator.authorityHost,
      disableInstanceDiscovery: true,
    })
  }

  async function options(extra: Record<string, unknown> = {}) {
    return {
      endpoint: emulator.endpoint,
      ruleId: emulator.rules[0]!.ruleId,
      streamName: 'Custom-AppLogs',
      credential: await azureCredential(),
      ...extra,
    }
  }

  const rowsOf = (run: string): Row[] =>
    (emulator.rows('AppLogs_CL') as Row[]).filter((row) => row.Attributes?.['run'] === run)

  async function batchProvider(extra: Record<string, unknown> = {}) {
    const exporter: Exporter = new ours.AzureLogsExporter(await options(extra))
    const provider = new sdk.LoggerProvider({
      resource: resources.resourceFromAttributes({
        'service.name': 'otel-v3',
        'service.version': '3.0.0',
        'host.name': 'v3-host',
      }),
      processors: [new sdk.BatchLogRecordProcessor({ exporter })],
    })
    cleanups.push(() => provider.shutdown())
    return { exporter, provider, logger: provider.getLogger('v3-scope', '3.0.0') }
  }

  it('maps every field and the active span context, with a real @azure/identity 4.14 credential', async () => {
    const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks')
    const manager = new AsyncLocalStorageContextManager().enable()
    api.context.setGlobalContextManager(manager)
    cleanups.push(() => api.context.disable())
    const run = randomUUID()
    const { provider, logger } = await batchProvider()
    // an hour ago: the service (and the emulator) replace times more than a day ahead or two days back
    const seconds = Math.floor(Date.now() / 1000) - 3600
    const spanContext = {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: api.TraceFlags.SAMPLED,
    }
    const active = api.trace.setSpan(api.context.active(), api.trace.wrapSpanContext(spanContext))
    api.context.with(active, () => {
      logger.emit({
        timestamp: [seconds, 987_654_321],
        severityNumber: api.SeverityNumber.WARN,
        severityText: 'WARN',
        body: { text: 'slow', ms: 950 },
        eventName: 'request.slow',
        attributes: { run, route: '/pay' },
        exception: new TypeError('late'),
      })
    })
    await provider.forceFlush()

    const rows = rowsOf(run)
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({
      TimeGenerated: new Date(seconds * 1000 + 987),
      SeverityText: 'WARN',
      SeverityNumber: 13,
      Body: '{"text":"slow","ms":950}',
      Attributes: { run, route: '/pay' },
      Resource: { 'service.version': '3.0.0' },
      ServiceName: 'otel-v3',
      HostName: 'v3-host',
      TraceId: spanContext.traceId,
      SpanId: spanContext.spanId,
      TraceFlags: 1,
      ScopeName: 'v3-scope',
      ScopeVersion: '3.0.0',
      EventName: 'request.slow',
      ExceptionType: 'TypeError',
      ExceptionMessage: 'late',
    })
  })

  it('flushes on forceFlush, delivers on shutdown, then fails fast', async () => {
    const run = randomUUID()
    const { exporter, provider, logger } = await batchProvider({ lingerMs: 600_000 })
    logger.emit({ body: 'first', attributes: { run } })
    await provider.forceFlush()
    expect(rowsOf(run)).toHaveLength(1)
    logger.emit({ body: 'second', attributes: { run } })
    await provider.shutdown()
    expect(rowsOf(run).map((r) => r.Body)).toEqual(['first', 'second'])
    const late = await new Promise<ExportResultLike>((resolve) => exporter.export([], resolve))
    expect(late).toMatchObject({ code: 1, error: { code: 'CLOSED' } })
  })

  it('reports FAILED for records the service refuses', async () => {
    const run = randomUUID()
    const exporter = new ours.AzureLogsExporter(
      await options({ acknowledge: 'delivered', ruleId: 'dcr-00000000000000000000000000000000' }),
    )
    cleanups.push(() => exporter.shutdown())
    const memory = new sdk.InMemoryLogRecordExporter()
    const source = new sdk.LoggerProvider({ processors: [new sdk.SimpleLogRecordProcessor({ exporter: memory })] })
    source.getLogger('x').emit({ body: 'lost', attributes: { run } })
    const result = await new Promise<ExportResultLike>((resolve) =>
      exporter.export(memory.getFinishedLogRecords(), resolve),
    )
    expect(result).toMatchObject({ code: 1, error: { code: 'NOT_FOUND', records: 1 } })
  })

  it('reports FAILED when the service keeps answering 503 past maxRetryTimeMs, through a real processor', async () => {
    const run = randomUUID()
    emulator.setFaults([{ fault: { type: 'status', status: 503, retryAfterSeconds: 0 } }])
    cleanups.push(() => emulator.setFaults(undefined))
    const results: ExportResultLike[] = []
    const exporter: Exporter = new ours.AzureLogsExporter(
      await options({ acknowledge: 'delivered', maxRetryTimeMs: 300, initialDelayMs: 10, maxDelayMs: 50 }),
    )
    // the processor's view of each export, recorded on the way through
    const observed = {
      export: (logs: never[], done: (result: ExportResultLike) => void) =>
        exporter.export(logs, (result) => {
          results.push(result)
          done(result)
        }),
      forceFlush: () => exporter.forceFlush(),
      shutdown: () => exporter.shutdown(),
    }
    const provider = new sdk.LoggerProvider({ processors: [new sdk.BatchLogRecordProcessor({ exporter: observed })] })
    cleanups.push(() => provider.shutdown())
    for (let i = 0; i < 3; i++) provider.getLogger('faulty').emit({ body: `f${i}`, attributes: { run } })
    await provider.forceFlush()
    expect(results).toMatchObject([{ code: 1, error: { code: 'RETRIES_EXHAUSTED', records: 3 } }])
    expect(exporter.stats().droppedByReason).toEqual({ 'retries-exhausted': 3 })
    expect(rowsOf(run)).toEqual([])
  })

  it('works under a SimpleLogRecordProcessor; exporter.forceFlush() waits for delivery', async () => {
    const run = randomUUID()
    const exporter: Exporter = new ours.AzureLogsExporter(await options({ lingerMs: 600_000 }))
    const provider = new sdk.LoggerProvider({ processors: [new sdk.SimpleLogRecordProcessor({ exporter })] })
    cleanups.push(() => provider.shutdown())
    for (let i = 0; i < 5; i++) provider.getLogger('simple').emit({ body: `s${i}`, attributes: { run } })
    expect(rowsOf(run)).toHaveLength(0) // each record is in core's buffer, waiting for the linger
    await exporter.forceFlush()
    expect(rowsOf(run).map((r) => r.Body)).toEqual(['s0', 's1', 's2', 's3', 's4'])
  })

  it('delivers 10,000 records through the processor without losing one', async () => {
    const run = randomUUID()
    const { exporter, provider, logger } = await batchProvider()
    for (let i = 0; i < 10_000; i++) {
      logger.emit({ body: `r${i}`, attributes: { run, i } })
      if (i % 256 === 255) await new Promise((resolve) => setImmediate(resolve))
    }
    await provider.shutdown()
    const rows = rowsOf(run)
    expect(new Set(rows.map((r) => r.Attributes?.['i'])).size).toBe(10_000)
    expect(exporter.stats().records).toMatchObject({ delivered: 10_000, dropped: 0 })
  })

  it('builds the processor with createBatchLogRecordProcessor and the 3.x class', async () => {
    const run = randomUUID()
    const exporter = new ours.AzureLogsExporter(await options())
    const processor = ours.createBatchLogRecordProcessor(sdk.BatchLogRecordProcessor, exporter, {
      maxExportBatchSize: 2,
      env: {},
    })
    const provider = new sdk.LoggerProvider({ processors: [processor] })
    cleanups.push(() => provider.shutdown())
    for (let i = 0; i < 3; i++) provider.getLogger('helper').emit({ body: `h${i}`, attributes: { run } })
    await provider.forceFlush()
    expect(rowsOf(run)).toHaveLength(3)
  })

  it('keeps requests full through shutdown() with createBatchLogRecordProcessor and the 3.x processor', async () => {
    const run = randomUUID()
    const exporter = new ours.AzureLogsExporter(await options())
    const processor = ours.createBatchLogRecordProcessor(sdk.BatchLogRecordProcessor, exporter, {
      maxQueueSize: 20_000,
      env: {},
    })
    const provider = new sdk.LoggerProvider({ processors: [processor] })
    const before = emulator.requests().length
    const logger = provider.getLogger('burst')
    for (let i = 0; i < 20_000; i++) logger.emit({ body: `GET /orders/${i}`, attributes: { run, i, id: randomUUID() } })
    await provider.shutdown()
    expect(rowsOf(run)).toHaveLength(20_000)
    // 40 batches of 512 from the processor, a few full requests on the wire
    expect(emulator.requests().length - before).toBeLessThanOrEqual(3)
  })

  it('bounds shutdown() behind a plain 3.x BatchLogRecordProcessor during an outage, reporting every record', async () => {
    const run = randomUUID()
    emulator.setFaults([{ fault: { type: 'status', status: 503, retryAfterSeconds: 0 } }])
    cleanups.push(() => emulator.setFaults(undefined))
    let dropped = 0
    const exporter: Exporter = new ours.AzureLogsExporter(
      await options({
        flushTimeoutMs: 1_000,
        shutdownTimeoutMs: 1_000,
        initialDelayMs: 50,
        maxDelayMs: 100,
        onDrop: (event: { records: readonly string[] }) => {
          dropped += event.records.length
        },
      }),
    )
    const provider = new sdk.LoggerProvider({
      processors: [new sdk.BatchLogRecordProcessor({ exporter, maxQueueSize: 10_240 })],
    })
    for (let i = 0; i < 10_240; i++) provider.getLogger('outage').emit({ body: `r${i}`, attributes: { run } })
    const started = Date.now()
    await provider.shutdown()
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(dropped).toBe(10_240)
    expect(exporter.stats().records).toMatchObject({ delivered: 0, dropped: 10_240 })
  })

  it('maps 3.x scope attributes and droppedAttributesCount, EventName once, and the default resource selection', async () => {
    const run = randomUUID()
    const exporter = new ours.AzureLogsExporter(await options())
    const provider = new sdk.LoggerProvider({
      resource: resources.resourceFromAttributes({
        'service.name': 'otel-v3',
        'deployment.environment.name': 'test',
        'process.command_args': ['node', 'server.js'],
      }),
      logRecordLimits: { attributeCountLimit: 3 },
      processors: [ours.createBatchLogRecordProcessor(sdk.BatchLogRecordProcessor, exporter, { env: {} })],
    })
    cleanups.push(() => provider.shutdown())
    provider
      .getLogger('scoped', '3.0.0', { attributes: { 'code.namespace': 'v3' } })
      .emit({ body: 'x', attributes: { run, 'event.name': 'thing.done', a: 1, b: 2 } })
    await provider.forceFlush()
    const [row] = rowsOf(run)
    expect(row).toMatchObject({
      EventName: 'thing.done',
      ServiceName: 'otel-v3',
      Resource: { 'deployment.environment.name': 'test' },
      Attributes: {
        run,
        a: 1,
        'otel.scope.attributes': { 'code.namespace': 'v3' },
        'otel.dropped_attributes_count': 1,
      },
    })
    expect(row!.Attributes).not.toHaveProperty('event.name')
    expect(row!['Resource']).not.toHaveProperty('process.command_args')
  })

  it('ships through NodeSDK (sdk-node 0.301) with the processor in logRecordProcessors, with trace context', async () => {
    const { NodeSDK } = await import('@opentelemetry/sdk-node')
    const run = randomUUID()
    const exporter: Exporter = new ours.AzureLogsExporter(await options())
    const nodeSdk = new NodeSDK({
      serviceName: 'otel-v3-node-sdk',
      logRecordProcessors: [ours.createBatchLogRecordProcessor(sdk.BatchLogRecordProcessor, exporter, { env: {} })],
      spanProcessors: [],
      metricReaders: [],
      instrumentations: [],
    })
    api.logs.disable()
    nodeSdk.start()
    cleanups.push(() => api.context.disable())
    const spanContext = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 }
    // NodeSDK registered the context manager that carries the active span into emit()
    api.context.with(api.trace.setSpanContext(api.context.active(), spanContext), () => {
      api.logs.getLogger('node-sdk-v3', '1.0.0').emit({ body: 'inside', attributes: { run } })
    })
    await nodeSdk.shutdown()
    api.logs.disable()
    expect(rowsOf(run)).toMatchObject([
      {
        Body: 'inside',
        ServiceName: 'otel-v3-node-sdk',
        ScopeName: 'node-sdk-v3',
        TraceId: spanContext.traceId,
        SpanId: spanContext.spanId,
        TraceFlags: 1,
      },
    ])
    expect(exporter.stats().records).toMatchObject({ delivered: 1, dropped: 0 })
  })

  it('works from the published dist, as ESM and as CommonJS, with sdk-logs 3.x', async () => {
    const run = randomUUID()
    const fixture = fileURLToPath(new URL('./fixtures/dist-both-formats.mjs', import.meta.url))
    const child = await promisify(execFile)(process.execPath, [fixture], {
      env: { ...process.env, ...emulator.env, FIXTURE_RUN: run },
      timeout: 60_000,
    })
    expect(child.stderr).toBe('')
    expect(
      rowsOf(run)
        .map((r) => r.Body)
        .sort(),
    ).toEqual(['from cjs', 'from esm'])
  })
})

// On older Node the suite above is skipped; this says why in the (verbose) test report.
it.runIf(!SUPPORTED)('OpenTelemetry JS 3.x suite', (context) => {
  context.skip(SKIP_REASON)
})
