/**
 * The "done when" scenario: 100,000 records through real HTTPS and a real ClientSecretCredential, under
 * mixed faults (429 with Retry-After, 503, connection resets, token expiry and a revoked token, 413, a batch
 * with a few bad records). Every record lands or is reported; no request is above 1,048,576 bytes; full
 * batches are at least 90% full.
 */
import { randomBytes } from 'node:crypto'
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { gunzipSync } from 'node:zlib'
import { type Emulator, startEmulator } from '@dcr-logs/test-harness'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createHttpsTransport } from '../../src/http/https-transport.ts'
import {
  createLogsIngestionClient,
  DIAGNOSTIC_CHANNELS,
  type DropEvent,
  type IngestionTransport,
  type TokenEvent,
} from '../../src/index.ts'

const TOTAL = 100_000
// a few bad records, close together: one batch (or two) must be bisected, the others land whole
const POISON = new Set([40_001, 40_002, 41_500, 45_000])
const CAP = 1_048_576

let emulator: Emulator

beforeAll(async () => {
  // 2-second tokens: the client must refresh many times during the run
  emulator = await startEmulator({ tokenLifetimeSeconds: 2 })
})
afterAll(() => emulator.close())

/**
 * The emulator cannot refuse individual records, so "a batch with a few bad records" is played by a thin
 * decorator over the real HTTPS transport that answers 400 (as the service does for malformed records)
 * when a body holds one of the poison records; every other request goes to the emulator unchanged.
 */
const rejectingPoison = (inner: IngestionTransport, seen: { rejected: number }): IngestionTransport => ({
  async send(request) {
    const text = gunzipSync(request.body).toString('utf8')
    if (text.includes('"Poison":true')) {
      seen.rejected++
      return {
        kind: 'response',
        status: 400,
        headers: { 'x-ms-error-code': 'InvalidPayload' },
        body: '{"error":{"code":"InvalidPayload","message":"Record is malformed."}}',
      }
    }
    return inner.send(request)
  },
  close: () => inner.close(),
})

it('delivers 100,000 records under mixed faults, accounting for every one', { timeout: 120_000 }, async () => {
  emulator.setFaults({
    rules: [
      { fault: { type: 'status', status: 429, retryAfterSeconds: 1 }, after: 2, times: 2 },
      { fault: { type: 'status', status: 503 }, everyNth: 4, times: 4 },
      { fault: { type: 'reset', when: 'before-body' }, after: 5, times: 2 },
      { fault: { type: 'status', status: 413, code: 'ContentLengthLimitExceeded' }, after: 8, times: 1 },
      { fault: { type: 'unauthorized', revoke: true }, after: 11, times: 1 },
    ],
  })
  const url = new URL(
    `${emulator.endpoint}/dataCollectionRules/${emulator.rules[0]!.ruleId}/streams/Custom-AppLogs?api-version=2023-01-01`,
  )
  const seen = { rejected: 0 }
  const transport = rejectingPoison(
    createHttpsTransport({ url, concurrency: 2, connectTimeoutMs: 5_000, requestTimeoutMs: 10_000 }),
    seen,
  )
  const drops: DropEvent[] = []
  // each token fetch by the real ClientSecretCredential (2-second tokens expire many times during the run)
  const tokens: TokenEvent[] = []
  const onToken = (e: unknown) => tokens.push(e as TokenEvent)
  subscribe(DIAGNOSTIC_CHANNELS.token, onToken)
  const client = createLogsIngestionClient(
    {
      endpoint: emulator.endpoint,
      ruleId: emulator.rules[0]!.ruleId,
      credential: emulator.credentialConfig,
      concurrency: 2,
      initialDelayMs: 20,
      maxDelayMs: 200,
      onDrop: (e) => drops.push(e),
    },
    { env: {}, transport },
  )

  const trace = randomBytes(8).toString('hex')
  for (let i = 0; i < TOTAL; i++) {
    const record: Record<string, unknown> = {
      TimeGenerated: new Date(Date.now() - (TOTAL - i)),
      SeverityText: i % 10 === 0 ? 'warn' : 'info',
      SeverityNumber: i % 10 === 0 ? 13 : 9,
      Body: `request ${i} served in ${(i * 7919) % 1000} ms`,
      Attributes: { seq: i, route: `/api/items/${(i * 104729) % 100_000}`, user: randomBytes(6).toString('base64url') },
      TraceId: `${trace}${randomBytes(8).toString('hex')}`,
      SpanId: randomBytes(8).toString('hex'),
      EventName: `evt-${randomBytes(12).toString('base64url')}`,
    }
    if (POISON.has(i)) record['Poison'] = true
    expect(client.push(record)).toBe(true)
  }
  const flushed = await client.flush({ timeoutMs: 90_000 })
  unsubscribe(DIAGNOSTIC_CHANNELS.token, onToken)
  expect(flushed).toEqual({ settled: true, pending: 0 })

  // every record accounted for: the poison ones reported as rejected, the rest landed exactly once
  const rejected = drops
    .filter((d) => d.reason === 'rejected')
    .flatMap((d) => d.records.map((j) => JSON.parse(j).Attributes.seq as number))
  expect(rejected.sort((a, b) => a - b)).toEqual([...POISON].sort((a, b) => a - b))
  expect(drops.every((d) => d.reason === 'rejected' && d.status === 400 && d.errorCode === 'InvalidPayload')).toBe(true)
  const rows = emulator.rows<{ Attributes: { seq: number } }>('AppLogs_CL')
  const landed = new Set(rows.map((r) => r.Attributes.seq))
  expect(rows.length).toBe(TOTAL - POISON.size)
  expect(landed.size).toBe(TOTAL - POISON.size)
  for (const p of POISON) expect(landed.has(p)).toBe(false)

  const stats = client.stats()
  expect(stats.records).toMatchObject({
    accepted: TOTAL,
    delivered: TOTAL - POISON.size,
    dropped: POISON.size,
    queued: 0,
    inFlight: 0,
  })
  expect(stats.records.delivered + stats.records.dropped).toBe(stats.records.accepted)
  expect(stats.droppedByReason).toEqual({ rejected: POISON.size })
  expect(stats.records.retried).toBeGreaterThan(0)
  // the run outlives several 2-second tokens: new ones were fetched ahead of expiry and after the revoked one
  expect(tokens.length).toBeGreaterThanOrEqual(3)
  expect(Math.max(...tokens.map((t) => t.expiresOnTimestamp))).toBeGreaterThan(tokens[0]!.expiresOnTimestamp)

  // the faults really happened
  const requests = emulator.requests()
  const statuses = requests.map((r) => r.status)
  for (const s of [429, 503, 413, 401, 204]) expect(statuses).toContain(s)
  expect(requests.filter((r) => r.fault?.startsWith('reset')).length).toBe(2)
  expect(seen.rejected).toBeGreaterThan(0)
  // every attempt counted, each with a request id and our User-Agent; bytes counted as delivered
  expect(stats.requests.total).toBe(requests.length + seen.rejected)
  for (const r of requests) {
    expect(r.clientRequestId).toMatch(/^[0-9a-f-]{36}$/)
    expect(r.userAgent).toMatch(/^dcr-logs-core\//)
  }
  const accepted = requests.filter((r) => r.status === 204)
  expect(stats.bytes.sent).toBe(accepted.reduce((n, r) => n + r.sentBytes, 0))
  expect(stats.bytes.raw).toBe(accepted.reduce((n, r) => n + r.uncompressedBytes, 0))

  // no request above the cap as sent; full batches at least 90% full
  expect(Math.max(...requests.map((r) => r.sentBytes))).toBeLessThanOrEqual(CAP)
  expect(stats.averageFill).toBeGreaterThanOrEqual(0.9)
  const full = requests.filter((r) => r.status === 204 && r.sentBytes >= 0.9 * CAP)
  expect(full.length).toBeGreaterThanOrEqual(3)
  await client.close()
})
