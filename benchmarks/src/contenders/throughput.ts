/** Scenario 1 (core vs `@azure/monitor-ingestion`) and scenario 7 (the stringify + gzip limit). */
import { gzipSync } from 'node:zlib'
import { ClientSecretCredential } from '@azure/identity'
import { LogsIngestionClient } from '@azure/monitor-ingestion'
import { createLogsIngestionClient, DEFAULTS } from '@dcr-logs/core'
import { coreFigures, startMeasure, yieldToLoop } from '../measure.ts'
import type { ChildResult, Task } from '../protocol.ts'
import { createRecordSource } from '../records.ts'

const env = (name: string): string => {
  const v = process.env[name]
  if (v === undefined || v === '') throw new Error(`${name} is not set: the runner passes the emulator's env.`)
  return v
}

/** Records pushed per event-loop turn: an app produces logs across many turns, not in one blocking loop. */
const SLICE = 1_000
const WARMUP = 100

export const coreThroughput = async (task: Task): Promise<ChildResult> => {
  const n = task.records
  // overflow 'wait' + waitForSpace(): backpressure instead of drops, so every record must land
  const client = createLogsIngestionClient({ overflow: 'wait' })
  const source = createRecordSource()
  // warm-up: token, TLS session and JIT, outside the measurement
  for (let i = 0; i < WARMUP; i++) client.push(source.columns(-1 - i))
  await client.flush()
  const before = client.stats()
  const m = startMeasure()
  for (let i = 0; i < n; ) {
    const end = Math.min(n, i + SLICE)
    for (; i < end; i++) {
      if (!(await client.waitForSpace())) throw new Error('waitForSpace() gave up')
      client.push(source.columns(i))
    }
    await yieldToLoop()
  }
  const flushed = await client.flush()
  const totalMs = m.elapsed()
  if (!flushed.settled) throw new Error(`flush() did not settle: ${flushed.pending} pending`)
  const after = client.stats()
  await client.close()
  const core = coreFigures(after)
  core.requests -= before.requests.total
  return m.finish('core-throughput', {
    calls: n,
    totalMs,
    core,
    extra: {
      warmupRecords: WARMUP,
      startedAtEpochMs: m.startedAtEpochMs,
      rawBytes: after.bytes.raw - before.bytes.raw,
      sentBytes: after.bytes.sent - before.bytes.sent,
    },
  })
}

export const sdkThroughput = async (task: Task): Promise<ChildResult> => {
  const n = task.records
  const credential = new ClientSecretCredential(
    env('AZURE_TENANT_ID'),
    env('AZURE_CLIENT_ID'),
    env('AZURE_CLIENT_SECRET'),
    { authorityHost: env('AZURE_AUTHORITY_HOST'), disableInstanceDiscovery: true },
  )
  const client = new LogsIngestionClient(env('DCR_LOGS_ENDPOINT'), credential)
  const ruleId = env('DCR_LOGS_RULE_ID')
  const stream = env('DCR_LOGS_STREAM_NAME')
  const source = createRecordSource()
  await client.upload(
    ruleId,
    stream,
    Array.from({ length: WARMUP }, (_, i) => source.columns(-1 - i)),
  )
  // The SDK takes arrays: collect a batch while the previous one uploads (its default 5 requests in parallel).
  const batchSize = Number(task.params['sdkBatch'] ?? 50_000)
  const m = startMeasure()
  let pending: Promise<void> = Promise.resolve()
  let batch: Record<string, unknown>[] = []
  for (let i = 0; i < n; ) {
    const end = Math.min(n, i + SLICE)
    for (; i < end; i++) batch.push(source.columns(i))
    if (batch.length >= batchSize || i === n) {
      await pending
      pending = client.upload(ruleId, stream, batch)
      batch = []
    }
    await yieldToLoop()
  }
  await pending
  const totalMs = m.elapsed()
  return m.finish('sdk-throughput', {
    calls: n,
    totalMs,
    extra: { warmupRecords: WARMUP, startedAtEpochMs: m.startedAtEpochMs, batchSize },
  })
}

/** The physical limit: make the same records, `JSON.stringify` each, gzip them in request-sized bodies, one loop. */
export const stringifyGzip = async (task: Task): Promise<ChildResult> => {
  const n = task.records
  const level = DEFAULTS.compressionLevel
  const source = createRecordSource()
  // about what one 1 MiB gzip body holds at a typical ratio, so zlib sees bodies of a realistic size
  const bodyRawBytes = 8 * 1024 * 1024
  const m = startMeasure()
  let parts: string[] = []
  let raw = 0
  let gz = 0
  let totalRaw = 0
  let bodies = 0
  let gzipMs = 0
  const seal = () => {
    const body = Buffer.from(`[${parts.join(',')}]`)
    const g = performance.now()
    gz += gzipSync(body, { level }).length
    gzipMs += performance.now() - g
    totalRaw += body.length
    bodies++
    parts = []
    raw = 0
  }
  for (let i = 0; i < n; i++) {
    const json = JSON.stringify(source.columns(i))
    parts.push(json)
    raw += json.length + 1
    if (raw >= bodyRawBytes) seal()
  }
  if (parts.length > 0) seal()
  const totalMs = m.elapsed()
  // how long making the records alone takes, so the report can show what serialisation + gzip cost on top
  const genSource = createRecordSource()
  const g0 = performance.now()
  let sink = 0
  for (let i = 0; i < n; i++) sink += (genSource.columns(i)['SeverityNumber'] as number) > 0 ? 1 : 0
  const generateMs = performance.now() - g0
  return m.finish('stringify-gzip', {
    calls: n,
    totalMs,
    extra: {
      generateMs,
      gzipMs,
      generated: sink,
      rawBytes: totalRaw,
      gzipBytes: gz,
      bodies,
      compressionLevel: level,
      averageRecordBytes: totalRaw / n,
    },
  })
}
