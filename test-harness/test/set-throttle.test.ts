/** `setThrottle()`: budgets changed while the emulator runs (the fleet simulation halves them mid-run). */
import { afterEach, expect, test } from 'vitest'
import { type Emulator, startEmulator } from '../src/index.ts'
import { fetchToken, ingest } from './helpers.ts'

const started: Emulator[] = []
afterEach(async () => {
  await Promise.all(started.splice(0).map((e) => e.close()))
})

test('a budget cut mid-window applies at once; a bad budget is refused', async () => {
  const e = await startEmulator({ throttle: { requestsPerWindow: 4, windowMs: 60_000 } })
  started.push(e)
  const token = await fetchToken(e)
  expect((await ingest(e, [{ Body: '1' }], { token })).status).toBe(204)
  expect((await ingest(e, [{ Body: '2' }], { token })).status).toBe(204)
  e.setThrottle({ requestsPerWindow: 2, windowMs: 60_000 })
  const throttled = await ingest(e, [{ Body: '3' }], { token })
  expect(throttled.status).toBe(429)
  expect(throttled.json()).toMatchObject({ error: { message: expect.stringContaining('2 requests per 60 s') } })
  e.setThrottle({ requestsPerWindow: 10, windowMs: 60_000 })
  expect((await ingest(e, [{ Body: '4' }], { token })).status).toBe(204)
  expect(() => e.setThrottle({ requestsPerWindow: -1 })).toThrow(/throttle.requestsPerWindow must be a positive number/)
})

test('an emulator started without throttling says how to get one', async () => {
  const e = await startEmulator({ throttle: false })
  started.push(e)
  expect(() => e.setThrottle({ requestsPerWindow: 1 })).toThrow(/started with throttle: false/)
})
