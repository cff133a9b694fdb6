/**
 * The core promise as a property: whatever the service answers (success, throttling, server errors, resets,
 * 401/403/404/413/400) and whatever the buffer policy, every pushed record is delivered or reported to
 * `onDrop` exactly once, and `stats()` agrees.
 */
import { gunzipSync } from 'node:zlib'
import fc from 'fast-check'
import { expect, it } from 'vitest'
import {
  createLogsIngestionClient,
  type DropEvent,
  type IngestionTransport,
  isLogsIngestionError,
  type OverflowPolicy,
  type SendOutcome,
} from '../src/index.ts'

const response = (status: number, headers: Record<string, string> = {}, body = ''): SendOutcome => ({
  kind: 'response',
  status,
  headers,
  body,
})

const answers: fc.Arbitrary<SendOutcome> = fc.oneof(
  { weight: 6, arbitrary: fc.constant(response(204)) },
  fc.constantFrom(
    response(429, { 'retry-after': '1' }),
    response(429, { 'retry-after-ms': '250' }),
    response(429),
    response(503),
    response(500),
    response(408),
    response(413, { 'x-ms-error-code': 'ContentLengthLimitExceeded' }),
    response(400, {}, '{"error":{"code":"InvalidPayload","message":"bad"}}'),
    response(401),
    response(403, { 'x-ms-error-code': 'OperationFailed' }),
    response(404, {}, '{"error":{"code":"NotFound","message":"no such rule"}}'),
    response(501),
    { kind: 'network', code: 'ECONNRESET', message: 'socket hang up' } as SendOutcome,
    { kind: 'network', code: 'ETIMEDOUT', message: 'timed out' } as SendOutcome,
  ),
)

/** A request that never answers until the client aborts it (close() past its deadline). */
const HANG = { kind: 'network', code: 'HANG', message: '' } as SendOutcome

const scenario = (script: fc.Arbitrary<SendOutcome[]>) =>
  fc.record({
    chunks: fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 5 }),
    script,
    maxRecordsPerRequest: fc.integer({ min: 1, max: 40 }),
    maxBufferRecords: fc.integer({ min: 3, max: 300 }),
    overflow: fc.constantFrom<OverflowPolicy>('drop-oldest', 'drop-newest', 'wait'),
    concurrency: fc.integer({ min: 1, max: 3 }),
    forbiddenRetryMs: fc.integer({ min: 0, max: 5_000 }),
    maxBisectRequests: fc.integer({ min: 0, max: 16 }),
  })

type Scenario = typeof scenario extends (s: never) => fc.Arbitrary<infer T> ? T : never

/** Runs one scenario; `end` settles the client (flush, or close with a deadline). Checks the accounting. */
const run = async (c: Scenario, end: 'flush' | 'close') => {
  let now = 1_700_000_000_000
  let tokens = 0
  const delivered: string[] = []
  const sent: Buffer[] = []
  let requestIds = 0
  const transport: IngestionTransport = {
    async send(req) {
      if (req.headers['x-ms-client-request-id']) requestIds++
      sent.push(req.body)
      const outcome = c.script[sent.length - 1] ?? response(204)
      if (outcome === HANG) {
        return new Promise<SendOutcome>((resolve) =>
          req.signal?.addEventListener('abort', () =>
            resolve({ kind: 'network', code: 'ABORT_ERR', message: 'aborted' }),
          ),
        )
      }
      if (outcome.kind === 'response' && outcome.status >= 200 && outcome.status < 300) {
        const records = JSON.parse(gunzipSync(req.body).toString('utf8')) as { Body: string }[]
        delivered.push(...records.map((r) => r.Body))
      }
      return outcome
    },
    close() {},
  }
  const drops: DropEvent[] = []
  const client = createLogsIngestionClient(
    {
      endpoint: 'https://x.eastus-1.ingest.monitor.azure.com',
      ruleId: 'dcr-00000000000000000000000000000000',
      credential: { getToken: async () => ({ token: `t${++tokens}`, expiresOnTimestamp: now + 3600_000 }) },
      lingerMs: 1,
      maxRetryTimeMs: 5_000,
      initialDelayMs: 100,
      maxDelayMs: 1_000,
      maxRecordsPerRequest: c.maxRecordsPerRequest,
      maxBufferRecords: c.maxBufferRecords,
      overflow: c.overflow,
      concurrency: c.concurrency,
      forbiddenRetryMs: c.forbiddenRetryMs,
      maxBisectRequests: c.maxBisectRequests,
      onDrop: (e) => drops.push(e),
    },
    {
      env: {},
      transport,
      now: () => now,
      sleep: async (ms) => {
        now += ms
      },
    },
  )

  let pushed = 0
  let accepted = 0
  for (const size of c.chunks) {
    for (let i = 0; i < size; i++) if (client.push({ Body: `r${pushed++}` })) accepted++
    await new Promise((r) => setImmediate(r))
  }
  if (end === 'flush') expect(await client.flush()).toEqual({ settled: true, pending: 0 })
  else {
    const closed = await client.close({ timeoutMs: 20 })
    expect(closed.pending).toBe(0)
    // pushed after close: reported as 'closed', never accepted
    expect(client.push({ Body: `r${pushed++}` })).toBe(false)
    expect(drops.at(-1)?.reason).toBe('closed')
  }

  const dropped = drops.flatMap((d) => d.records.map((j) => (JSON.parse(j) as { Body: string }).Body))
  const all = [...delivered, ...dropped].sort()
  expect(all).toEqual(Array.from({ length: pushed }, (_, i) => `r${i}`).sort())
  for (const d of drops) {
    expect(d.records.length).toBeGreaterThan(0)
    expect(isLogsIngestionError(d.error)).toBe(true)
    expect(typeof d.retriable).toBe('boolean')
  }

  const stats = client.stats()
  expect(stats.records).toMatchObject({
    accepted,
    delivered: delivered.length,
    dropped: dropped.length,
    queued: 0,
    inFlight: 0,
  })
  expect(Object.values(stats.droppedByReason).reduce((a, b) => a + b, 0)).toBe(dropped.length)
  expect(stats.requests.total).toBe(sent.length)
  expect(requestIds).toBe(sent.length)
  expect(stats.queuedBytes).toBe(0)
  if (end === 'flush') expect(await client.close()).toEqual({ settled: true, pending: 0 })
}

it('property: every record is delivered or dropped exactly once, and stats agree', async () => {
  await fc.assert(
    fc.asyncProperty(scenario(fc.array(answers, { maxLength: 40 })), (c) => run(c, 'flush')),
    { numRuns: 80 },
  )
})

it('property: close() with hung requests still accounts for every record (shutdown-timeout)', async () => {
  const withHangs = fc.array(fc.oneof({ weight: 4, arbitrary: answers }, { weight: 1, arbitrary: fc.constant(HANG) }), {
    maxLength: 20,
  })
  await fc.assert(
    fc.asyncProperty(scenario(withHangs), (c) => run(c, 'close')),
    { numRuns: 40 },
  )
})
