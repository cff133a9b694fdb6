import { hostname } from 'node:os'
import { trace } from '@opentelemetry/api'
import { logs, SeverityNumber } from '@opentelemetry/api-logs'
import { defaultResource, detectResources, envDetector } from '@opentelemetry/resources'
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs'
import { NodeSDK } from '@opentelemetry/sdk-node'
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { AzureLogsExporter } from '../src/exporter.ts'
import { createBatchLogRecordProcessor } from '../src/processor.ts'
import { type Emulator, exporterOptions, newRun, rowsOf, startEmulator } from './support.ts'

let emulator: Emulator
beforeAll(async () => {
  emulator = await startEmulator()
})
afterAll(async () => {
  await emulator?.close()
})

it('ships logs from a NodeSDK given our processor in logRecordProcessors, with trace context', async () => {
  // sdk-node only knows otlp/console/none here; logRecordProcessors bypasses it entirely
  const previous = process.env['OTEL_LOGS_EXPORTER']
  process.env['OTEL_LOGS_EXPORTER'] = 'none'
  const run = newRun()
  let spanContext: { traceId: string; spanId: string } | undefined
  const exporter = new AzureLogsExporter(exporterOptions(emulator))
  const sdk = new NodeSDK({
    serviceName: 'node-sdk-e2e',
    logRecordProcessors: [createBatchLogRecordProcessor(BatchLogRecordProcessor, exporter, { env: {} })],
    spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())],
    metricReaders: [],
    instrumentations: [],
  })
  try {
    sdk.start()
    const logger = logs.getLogger('node-sdk-scope', '0.1.0')
    spanContext = trace.getTracer('e2e').startActiveSpan('handle', (active) => {
      logger.emit({ severityNumber: SeverityNumber.INFO, severityText: 'INFO', body: 'inside', attributes: { run } })
      active.end()
      return active.spanContext()
    })
    logger.emit({ severityNumber: SeverityNumber.INFO, body: 'outside', attributes: { run } })
  } finally {
    // shutdown flushes the processor, then closes the exporter: everything is delivered when it resolves
    await sdk.shutdown()
    if (previous === undefined) delete process.env['OTEL_LOGS_EXPORTER']
    else process.env['OTEL_LOGS_EXPORTER'] = previous
  }

  const rows = rowsOf(emulator, run)
  expect(rows.map((r) => r.Body).sort()).toEqual(['inside', 'outside'])
  const inside = rows.find((r) => r.Body === 'inside')!
  const outside = rows.find((r) => r.Body === 'outside')!
  expect(inside).toMatchObject({
    ServiceName: 'node-sdk-e2e',
    HostName: hostname(),
    ScopeName: 'node-sdk-scope',
    ScopeVersion: '0.1.0',
    TraceId: spanContext?.traceId,
    SpanId: spanContext?.spanId,
  })
  // the service stores an absent string column as ''
  expect(outside).toMatchObject({ TraceId: '', SpanId: '' })
  expect(exporter.stats().records).toMatchObject({ delivered: 2, dropped: 0 })
})

/** Sets environment variables for `fn`, then restores them. */
async function withEnv(vars: Record<string, string>, fn: () => Promise<void>): Promise<void> {
  const previous = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]))
  Object.assign(process.env, vars)
  try {
    await fn()
  } finally {
    for (const [k, v] of Object.entries(previous)) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
  }
}

const RESOURCE_ENV = {
  OTEL_SERVICE_NAME: 'from-env',
  OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=staging,service.version=1.2.3',
  OTEL_LOGS_EXPORTER: 'none',
}

it('takes ServiceName and Resource from OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES under NodeSDK', async () => {
  const run = newRun()
  await withEnv(RESOURCE_ENV, async () => {
    const sdk = new NodeSDK({
      logRecordProcessors: [
        createBatchLogRecordProcessor(BatchLogRecordProcessor, new AzureLogsExporter(exporterOptions(emulator)), {
          env: {},
        }),
      ],
      metricReaders: [],
      instrumentations: [],
    })
    logs.disable() // the previous test's NodeSDK left its (shut down) provider registered globally
    sdk.start()
    logs.getLogger('env-scope').emit({ body: 'configured by the environment', attributes: { run } })
    await sdk.shutdown()
  })
  const [row] = rowsOf(emulator, run)
  expect(row).toMatchObject({
    ServiceName: 'from-env',
    Resource: { 'deployment.environment.name': 'staging', 'service.version': '1.2.3' },
  })
})

it('ignores those variables with a bare LoggerProvider unless its resource includes the env detector (README)', async () => {
  const run = newRun()
  await withEnv(RESOURCE_ENV, async () => {
    const bare = new LoggerProvider({
      processors: [new BatchLogRecordProcessor({ exporter: new AzureLogsExporter(exporterOptions(emulator)) })],
    })
    bare.getLogger('bare').emit({ body: 'bare', attributes: { run } })
    await bare.shutdown()
    // the README's pattern for a LoggerProvider without NodeSDK
    const resource = defaultResource().merge(detectResources({ detectors: [envDetector] }))
    const detected = new LoggerProvider({
      resource,
      processors: [new BatchLogRecordProcessor({ exporter: new AzureLogsExporter(exporterOptions(emulator)) })],
    })
    detected.getLogger('detected').emit({ body: 'detected', attributes: { run } })
    await detected.shutdown()
  })
  const rows = rowsOf(emulator, run)
  expect(rows.find((r) => r.Body === 'bare')).toMatchObject({ ServiceName: expect.stringMatching(/^unknown_service:/) })
  expect(rows.find((r) => r.Body === 'detected')).toMatchObject({
    ServiceName: 'from-env',
    Resource: { 'deployment.environment.name': 'staging' },
  })
})
