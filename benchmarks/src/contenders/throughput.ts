/**
 * Scenario 1 (core vs `@azure/monitor-ingestion`), 7 (the two-core limit) and 8 (compression levels). Every
 * contender is handed the same records, built before the measurement starts; the emulator only checks each
 * request's framing and discards the records, so what is measured is the client.
 */
import { constants, crc32, deflateRaw } from 'node:zlib'
import { ClientSecretCredential } from '@azure/identity'
import { LogsIngestionClient } from '@azure/monitor-ingestion'
import { createLogsIngestionClient, DEFAULTS, type LogsIngestionClientOptions } from '@dcr-logs/core'
import { coreFigures, settleAfterWarmup, startMeasure, yieldToLoop } from '../measure.ts'
import type { ChildResult, Task } from '../protocol.ts'
import { buildRecords } from '../records.ts'

const env = (name: string): string => {
  const v = process.env[name]
  if (v === undefined || v === '') throw new Error(`${name} is not set: the runner passes the emulator's env.`)
  return v
}

/** Records pushed per event-loop turn: an app produces logs across many turns, not in one blocking loop. */
const SLICE = 1_000
const WARMUP = 100

/**
 * Core as a user would run it: `push()` in slices of 1,000 with a turn of the event loop between them, then
 * `flush()`. `params.overflow` 'wait' adds backpressure (`waitForSpace()` before each push) instead of drops.
 */
export const coreThroughput = async (task: Task): Promise<ChildResult> => {
  const n = task.records
  const wait = task.params['overflow'] === 'wait'
  const options: LogsIngestionClientOptions = {}
  if (wait) options.overflow = 'wait'
  if (typeof task.params['compressionLevel'] === 'number') options.compressionLevel = task.params['compressionLevel']
  const client = createLogsIngestionClient(options)
  const records = buildRecords(n)
  // warm-up: token, TLS session and JIT, outside the measurement
  for (const r of buildRecords(WARMUP, 99)) client.push(r)
  await client.flush()
  await settleAfterWarmup()
  const before = client.stats()
  const m = startMeasure()
  for (let i = 0; i < n; ) {
    const end = Math.min(n, i + SLICE)
    if (wait) {
      for (; i < end; i++) {
        if (!(await client.waitForSpace())) throw new Error('waitForSpace() gave up')
        client.push(records[i]!)
      }
    } else for (; i < end; i++) client.push(records[i]!)
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
      compressionLevel: options.compressionLevel ?? DEFAULTS.compressionLevel,
    },
  })
}

/**
 * The official SDK. `params.mode` 'whole' is its best use: the whole array in one `upload()` (5 requests in
 * parallel by default); 'batched' uploads `params.sdkBatch` records at a time, one call after another.
 */
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
  const records = buildRecords(n)
  await client.upload(ruleId, stream, buildRecords(WARMUP, 99))
  await settleAfterWarmup()
  const batched = task.params['mode'] === 'batched'
  const batchSize = Number(task.params['sdkBatch'] ?? 50_000)
  const m = startMeasure()
  if (batched) {
    for (let i = 0; i < n; i += batchSize) await client.upload(ruleId, stream, records.slice(i, i + batchSize))
  } else await client.upload(ruleId, stream, records)
  const totalMs = m.elapsed()
  const result = m.finish('sdk-throughput', {
    calls: n,
    totalMs,
    extra: { warmupRecords: WARMUP, startedAtEpochMs: m.startedAtEpochMs, batchSize: batched ? batchSize : n },
  })
  // after the measurement: the JSON the records make, for the runner's check of what the emulator received
  let recordBytes = 0
  for (const r of records) recordBytes += Buffer.byteLength(JSON.stringify(r))
  result.extra['recordBytes'] = recordBytes
  return result
}

/**
 * The two-core limit: `JSON.stringify` each record on this thread while the text is deflated in pieces of about
 * 1 MiB on the thread pool, up to 4 at once, at core's default level, each ended with a sync flush and its CRC-32
 * chained as a gzip trailer needs (pigz's method, which core uses too: one gzip member per request body). No HTTP,
 * no buffering, no accounting: what serialising and compressing alone cost.
 */
export const limitTwoCores = async (task: Task): Promise<ChildResult> => {
  const n = task.records
  const level = Number(task.params['compressionLevel'] ?? DEFAULTS.compressionLevel)
  const records = buildRecords(n)
  const pieceChars = 1024 * 1024
  const m = startMeasure()
  let parts: string[] = []
  let chars = 0
  let crc = 0
  let deflatedBytes = 0
  let rawBytes = 0
  let pieces = 0
  let running = 0
  let wake: (() => void) | undefined
  const done: Promise<void>[] = []
  const seal = async (): Promise<void> => {
    const text = Buffer.from(parts.join(','))
    parts = []
    chars = 0
    crc = crc32(text, crc)
    while (running >= 4) await new Promise<void>((r) => (wake = r))
    running++
    rawBytes += text.length
    pieces++
    done.push(
      new Promise<void>((resolve, reject) =>
        deflateRaw(text, { level, finishFlush: constants.Z_SYNC_FLUSH }, (error, out) => {
          running--
          wake?.()
          if (error) return reject(error)
          deflatedBytes += out.length
          resolve()
        }),
      ),
    )
  }
  for (let i = 0; i < n; ) {
    const end = Math.min(n, i + SLICE)
    for (; i < end; i++) {
      const json = JSON.stringify(records[i])
      parts.push(json)
      chars += json.length + 1
      if (chars >= pieceChars) await seal()
    }
    await yieldToLoop()
  }
  if (parts.length > 0) await seal()
  await Promise.all(done)
  const totalMs = m.elapsed()
  return m.finish('limit-2core', {
    calls: n,
    totalMs,
    extra: {
      rawBytes,
      deflatedBytes,
      pieces,
      crc32: crc,
      compressionLevel: level,
      averageRecordBytes: rawBytes / n,
    },
  })
}
