import { once } from 'node:events'
import { connect } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { FaultInjector, validateFaultPlan } from '../src/faults.ts'
import { type Emulator, type Fault, startEmulator } from '../src/index.ts'
import { fetchToken, ingest, send } from './helpers.ts'

let emulator: Emulator
let token: string
beforeAll(async () => {
  emulator = await startEmulator()
  token = await fetchToken(emulator)
})
afterEach(() => emulator.reset())
afterAll(() => emulator.close())

const post = (body: unknown = [{ Body: 'x' }], opts: Parameters<typeof ingest>[2] = {}) =>
  ingest(emulator, body, { token, ...opts })

describe('status faults', () => {
  test.each([500, 502, 503, 504])('%i with an Azure-shaped body, then the next request is served', async (status) => {
    emulator.setFaults([{ fault: { type: 'status', status }, times: 1 }])
    const failed = await post()
    expect(failed.status).toBe(status)
    expect(failed.headers['x-ms-error-code']).toEqual(expect.any(String))
    expect(failed.json()).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } })
    expect((await post()).status).toBe(204)
    expect(emulator.count('AppLogs_CL')).toBe(1)
    expect(emulator.requests().map((r) => [r.status, r.fault])).toEqual([
      [status, `status:${status}`],
      [204, undefined],
    ])
  })

  test('429 with Retry-After, and 429 without it', async () => {
    emulator.setFaults({
      rules: [
        {
          sequence: [
            { type: 'status', status: 429, retryAfterSeconds: 7 },
            { type: 'status', status: 429 },
          ],
        },
      ],
    })
    const withHeader = await post()
    expect(withHeader.status).toBe(429)
    expect(withHeader.headers['retry-after']).toBe('7')
    expect(withHeader.headers['x-ms-error-code']).toBe('TooManyRequests')
    const without = await post()
    expect(without.status).toBe(429)
    expect(without.headers['retry-after']).toBeUndefined()
    expect((await post()).status).toBe(204)
  })
})

describe('connection faults', () => {
  test('reset before the body: the client sees a reset, nothing is stored', async () => {
    emulator.setFaults([{ fault: { type: 'reset', when: 'before-body' }, times: 1 }])
    await expect(post()).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|EPIPE/) })
    expect(emulator.count('AppLogs_CL')).toBe(0)
    expect(emulator.requests()[0]).toMatchObject({ status: 0, fault: 'reset:before-body' })
  })

  test('reset after the body: not ingested by default, ingested with ingest: true (a duplicate on retry)', async () => {
    emulator.setFaults([
      {
        sequence: [
          { type: 'reset', when: 'after-body' },
          { type: 'reset', when: 'after-body', ingest: true },
        ],
      },
    ])
    await expect(post([{ Body: 'lost' }])).rejects.toMatchObject({ code: 'ECONNRESET' })
    await expect(post([{ Body: 'landed' }])).rejects.toMatchObject({ code: 'ECONNRESET' })
    expect(emulator.rows('AppLogs_CL').map((r) => r['Body'])).toEqual(['landed'])
    expect(emulator.requests().map((r) => [r.status, r.records, r.fault])).toEqual([
      [0, 1, 'reset:after-body'],
      [0, 1, 'reset:after-body+stored'],
    ])
  })

  test('latency delays the answer, then the request is served', async () => {
    emulator.setFaults([{ fault: { type: 'latency', ms: 150 } }])
    expect((await post()).status).toBe(204)
    const [r] = emulator.requests()
    expect(r).toMatchObject({ status: 204, fault: 'latency:150' })
    expect(r!.durationMs).toBeGreaterThanOrEqual(150)
  })

  test('a hung request never answers; the client times out; close() still returns', async () => {
    const e = await startEmulator({ faults: [{ fault: { type: 'hang' } }] })
    const t = await fetchToken(e)
    const hung = send(e, `/dataCollectionRules/${e.rules[0]!.ruleId}/streams/Custom-AppLogs?api-version=2023-01-01`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' },
      body: '[]',
      timeoutMs: 300,
    })
    await expect(hung).rejects.toThrow('client timeout')
    const pending = send(
      e,
      `/dataCollectionRules/${e.rules[0]!.ruleId}/streams/Custom-AppLogs?api-version=2023-01-01`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' },
        body: '[]',
      },
    )
    // the first (timed-out) request and the second may be logged in either order under load
    await expect.poll(() => e.requests().length).toBeGreaterThanOrEqual(1)
    // Handle the rejection before close() can cause it, or it surfaces as unhandled.
    const dropped = expect(pending).rejects.toThrow()
    await e.close()
    await dropped
    expect(e.requests().every((r) => r.fault === 'hang' && r.status === 0)).toBe(true)
  })

  test('close() also ends a connection still in its TLS handshake, which would otherwise carry a request later', async () => {
    const e = await startEmulator()
    const url = new URL(e.endpoint)
    // a TCP connection that has not said hello yet: what a client racing close() looks like to the server
    const socket = connect(Number(url.port), url.hostname)
    await once(socket, 'connect')
    const ended = once(socket, 'close')
    const closed = e.close().then(() => 'closed')
    const late = new Promise((resolve) => setTimeout(resolve, 5_000, 'still open after 5 s').unref())
    expect(await Promise.race([closed, late])).toBe('closed')
    await ended
  })
})

describe('token faults', () => {
  test('401 once: the same token works again on the next request', async () => {
    emulator.setFaults([{ fault: { type: 'unauthorized' }, times: 1 }])
    const failed = await post()
    expect(failed.status).toBe(401)
    expect(failed.headers['x-ms-error-code']).toBe('InvalidAuthenticationToken')
    expect((await post()).status).toBe(204)
  })

  test('401 with revoke: that token stays refused, a new one works', async () => {
    const old = await fetchToken(emulator)
    emulator.setFaults([{ fault: { type: 'unauthorized', revoke: true }, times: 1 }])
    expect((await post(undefined, { token: old })).status).toBe(401)
    expect((await post(undefined, { token: old })).status).toBe(401)
    expect((await post(undefined, { token: await fetchToken(emulator) })).status).toBe(204)
  })
})

describe('selection modes', () => {
  const statuses = async (n: number) => {
    const out: number[] = []
    for (let i = 0; i < n; i++) out.push((await post()).status)
    return out
  }

  test('every Nth request', async () => {
    emulator.setFaults([{ fault: { type: 'status', status: 503 }, everyNth: 3 }])
    expect(await statuses(7)).toEqual([204, 204, 503, 204, 204, 503, 204])
  })

  test('after N, at most M times', async () => {
    emulator.setFaults([{ fault: { type: 'status', status: 500 }, after: 1, times: 2 }])
    expect(await statuses(5)).toEqual([204, 500, 500, 204, 204])
  })

  test('scripted sequence with passes (null)', async () => {
    emulator.setFaults([{ sequence: [null, { type: 'status', status: 502 }, null, { type: 'status', status: 504 }] }])
    expect(await statuses(5)).toEqual([204, 502, 204, 504, 204])
  })

  test('scoped to a stream: other streams are untouched', async () => {
    emulator.setFaults([{ fault: { type: 'status', status: 503 }, stream: 'Custom-Other' }])
    expect(await statuses(2)).toEqual([204, 204])
  })

  test('scoped to a DCR: only requests to that immutable id get the fault', async () => {
    emulator.setFaults([
      { fault: { type: 'status', status: 500 }, ruleId: 'dcr-ffffffffffffffffffffffffffffffff' },
      { fault: { type: 'status', status: 502 }, ruleId: emulator.rules[0]!.ruleId, times: 1 },
    ])
    expect(await statuses(2)).toEqual([502, 204])
  })

  test('the first rule that fires wins; every matching rule still counts the request', async () => {
    emulator.setFaults([
      { fault: { type: 'status', status: 503 }, everyNth: 2 },
      { fault: { type: 'status', status: 500 }, everyNth: 3 },
    ])
    // 2 and 4 hit the first rule; 3 hits the second; 6 would hit both and the first wins.
    expect(await statuses(6)).toEqual([204, 503, 500, 503, 204, 503])
  })

  test('a plan passed to startEmulator() is active from the first request', async () => {
    const e = await startEmulator({ faults: { rules: [{ fault: { type: 'status', status: 504 }, times: 1 }] } })
    try {
      const t = await fetchToken(e)
      expect((await ingest(e, [{ Body: 'x' }], { token: t })).status).toBe(504)
      expect((await ingest(e, [{ Body: 'y' }], { token: t })).status).toBe(204)
      expect(e.faults()).toEqual({ rules: [{ fault: { type: 'status', status: 504 }, times: 1 }] })
    } finally {
      await e.close()
    }
  })

  test('reset() removes the plan', async () => {
    emulator.setFaults([{ fault: { type: 'status', status: 500 } }])
    emulator.reset()
    expect(emulator.faults()).toBeUndefined()
    expect(await statuses(1)).toEqual([204])
  })

  test('probability replays identically for the same seed', () => {
    const plan = { seed: 42, rules: [{ fault: { type: 'status', status: 503 } as Fault, probability: 0.3 }] }
    const pattern = (p: typeof plan) => {
      const inj = new FaultInjector(p)
      return Array.from({ length: 200 }, () => (inj.decide('dcr-x', 'Custom-S') === undefined ? 0 : 1))
    }
    const a = pattern(plan)
    expect(pattern(plan)).toEqual(a)
    expect(pattern({ ...plan, seed: 43 })).not.toEqual(a)
    const hits = a.reduce((s: number, x) => s + x, 0)
    expect(hits).toBeGreaterThan(30)
    expect(hits).toBeLessThan(90)
  })

  test('probability over HTTPS', async () => {
    emulator.setFaults({ seed: 7, rules: [{ fault: { type: 'status', status: 503 }, probability: 0.5 }] })
    const observed = await statuses(12)
    const inj = new FaultInjector({ seed: 7, rules: [{ fault: { type: 'status', status: 503 }, probability: 0.5 }] })
    const expected = Array.from({ length: 12 }, () => (inj.decide('r', 's') === undefined ? 204 : 503))
    expect(observed).toEqual(expected)
    expect(new Set(observed).size).toBe(2)
  })

  test('bad plans are refused with the reason', () => {
    expect(() => emulator.setFaults([{ fault: { type: 'status', status: 200 } }])).toThrow(
      /status must be an integer 400–599/,
    )
    expect(() => emulator.setFaults([{ fault: { type: 'explode' } as unknown as Fault }])).toThrow(
      /unknown fault type 'explode'/,
    )
    expect(() => validateFaultPlan([{}])).toThrow(/exactly one of fault and sequence/)
    expect(() => validateFaultPlan([{ fault: { type: 'hang' }, probability: 2 }])).toThrow(/probability/)
  })
})
