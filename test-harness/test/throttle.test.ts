import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { DEFAULT_DCR, type Emulator, startEmulator, THROTTLE_DEFAULTS } from '../src/index.ts'
import { Throttle } from '../src/throttle.ts'
import { fetchToken, ingest } from './helpers.ts'

const started: Emulator[] = []
afterEach(async () => {
  await Promise.all(started.splice(0).map((e) => e.close()))
})

describe('per-DCR budgets over HTTPS', () => {
  test('the request budget answers 429 with Retry-After, per DCR, until the window ends', async () => {
    let clock = Date.now()
    const e = await startEmulator({ throttle: { requestsPerWindow: 2, windowMs: 10_000 }, now: () => clock })
    started.push(e)
    const token = await fetchToken(e)
    expect((await ingest(e, [{ Body: '1' }], { token })).status).toBe(204)
    expect((await ingest(e, [{ Body: '2' }], { token })).status).toBe(204)
    clock += 4_000
    const throttled = await ingest(e, [{ Body: '3' }], { token })
    expect(throttled.status).toBe(429)
    expect(throttled.headers['retry-after']).toBe('6')
    expect(throttled.headers['x-ms-error-code']).toBe('TooManyRequests')
    expect(e.count('AppLogs_CL')).toBe(2)
    clock += 6_000
    expect((await ingest(e, [{ Body: '4' }], { token })).status).toBe(204)
  })

  test('the byte budget counts decoded bytes and answers 429 with Retry-After', async () => {
    let clock = Date.now()
    const e = await startEmulator({ throttle: { bytesPerWindow: 1000 }, now: () => clock })
    started.push(e)
    const token = await fetchToken(e)
    expect((await ingest(e, [{ Body: 'x'.repeat(1500) }], { token })).status).toBe(204)
    clock += 15_000
    const throttled = await ingest(e, [{ Body: 'y' }], { token })
    expect(throttled.status).toBe(429)
    expect(throttled.headers['retry-after']).toBe('45')
    expect(throttled.headers['x-ms-error-code']).toBe('TooManyRequests')
    expect(throttled.json()).toMatchObject({ error: { message: expect.stringContaining('1000 bytes per 60 s') } })
    expect(e.count('AppLogs_CL')).toBe(1)
    clock += 45_000
    expect((await ingest(e, [{ Body: 'z' }], { token })).status).toBe(204)
  })

  test('budgets are per DCR: a throttled DCR does not slow another one down', async () => {
    const e = await startEmulator({
      dcrs: [DEFAULT_DCR, { dcr: join(import.meta.dirname, 'fixtures', 'dcr', 'docs-ingestion-overview-direct.json') }],
      throttle: { requestsPerWindow: 1 },
    })
    started.push(e)
    const token = await fetchToken(e)
    const [first, second] = e.rules
    expect((await ingest(e, [{ Body: 'a' }], { token })).status).toBe(204)
    const throttled = await ingest(e, [{ Body: 'b' }], { token })
    expect(throttled.status).toBe(429)
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThanOrEqual(1)
    expect(throttled.json()).toMatchObject({ error: { message: expect.stringContaining(first!.ruleId) } })
    const other = await ingest(e, [{ Computer: 'c' }], { token, ruleId: second!.ruleId, stream: 'Custom-MyTable' })
    expect(other.status).toBe(204)
    expect(e.counts()).toEqual({ AppLogs_CL: 1, MyTable_CL: 1 })
  })

  test('throttle: false never throttles', async () => {
    const e = await startEmulator({ throttle: false })
    started.push(e)
    const token = await fetchToken(e)
    const statuses = await Promise.all(
      Array.from({ length: 20 }, () => ingest(e, [{ Body: 'x' }], { token }).then((r) => r.status)),
    )
    expect(statuses.every((s) => s === 204)).toBe(true)
  })
})

describe('Throttle (pure)', () => {
  test('defaults are the service limits: 12,000 requests and 2 GB per minute', () => {
    expect(THROTTLE_DEFAULTS).toEqual({ requestsPerWindow: 12_000, bytesPerWindow: 2 * 1024 ** 3, windowMs: 60_000 })
  })

  test('budgets are per DCR', () => {
    const t = new Throttle({ requestsPerWindow: 1 })
    expect(t.admit('a', 0).ok).toBe(true)
    expect(t.admit('b', 0).ok).toBe(true)
    expect(t.admit('a', 1).ok).toBe(false)
    expect(t.admit('a', 60_000).ok).toBe(true)
  })
})
