import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type Emulator, startEmulator } from '../src/index.ts'
import { fetchToken, ingest, recent, send } from './helpers.ts'

let emulator: Emulator
beforeAll(async () => {
  emulator = await startEmulator()
})
afterAll(() => emulator.close())

const control = (path: string, init: Parameters<typeof send>[2] = {}) => send(emulator, `/_emulator/${path}`, init)
const JSON_TYPE = { 'content-type': 'application/json' }

describe('control endpoint', () => {
  test('info has the same fields as the API', async () => {
    const info = (await control('info')).json()
    expect(info).toEqual(emulator.info())
    expect(info).toMatchObject({
      endpoint: emulator.endpoint,
      rules: emulator.rules,
      env: emulator.env,
      credentialConfig: emulator.credentialConfig,
    })
  })

  test('rows, counts, requests and dcr-errors as JSON; reset clears them', async () => {
    const time = recent()
    await ingest(emulator, [
      { TimeGenerated: time, Body: 'a', SeverityNumber: 'bad' },
      { TimeGenerated: time, Body: 'b' },
    ])
    const rows = await control('rows/AppLogs_CL')
    expect(rows.headers['x-emulator-row-count']).toBe('2')
    expect(rows.json()).toEqual([
      expect.objectContaining({ Body: 'a', TimeGenerated: time, SeverityNumber: null }),
      expect.objectContaining({ Body: 'b' }),
    ])
    expect((await control('rows/AppLogs_CL?offset=1&limit=1')).json()).toEqual([expect.objectContaining({ Body: 'b' })])
    expect((await control('counts')).json()).toEqual({ AppLogs_CL: 2 })
    expect((await control('requests')).json()).toEqual([expect.objectContaining({ status: 204, records: 2 })])
    expect((await control('dcr-errors')).json()).toEqual([expect.objectContaining({ operationName: 'Ingestion' })])
    expect((await control('reset', { method: 'POST', headers: JSON_TYPE })).status).toBe(204)
    expect(emulator.counts()).toEqual({})
    expect(emulator.requests()).toEqual([])
  })

  test('faults can be set, read and removed from another process', async () => {
    const plan = { rules: [{ fault: { type: 'status', status: 503, retryAfterSeconds: 1 }, times: 1 }] }
    const put = await control('faults', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(plan),
    })
    expect(put.status).toBe(204)
    expect((await control('faults')).json()).toEqual({ rules: plan.rules })
    expect((await ingest(emulator, [{ Body: 'x' }])).status).toBe(503)
    expect((await control('faults', { method: 'DELETE' })).status).toBe(204)
    expect(emulator.faults()).toBeUndefined()
    const bad = await control('faults', {
      method: 'PUT',
      headers: JSON_TYPE,
      body: '{"rules":[{"fault":{"type":"nope"}}]}',
    })
    expect(bad.status).toBe(400)
    expect(bad.json()).toMatchObject({
      error: { code: 'BadRequest', message: expect.stringContaining("unknown fault type 'nope'") },
    })
    expect((await control('faults', { method: 'PUT', headers: JSON_TYPE, body: '{not json' })).status).toBe(400)
  })

  test('a web page cannot change the emulator: POST and PUT need application/json, and preflights get no CORS grant', async () => {
    emulator.reset()
    await ingest(emulator, [{ Body: 'kept' }])
    const plan = JSON.stringify([{ fault: { type: 'status', status: 503 } }])
    // What a page can send cross-origin without asking: a form or text/plain POST, or one without a body.
    for (const headers of [
      { 'content-type': 'text/plain' },
      { 'content-type': 'application/x-www-form-urlencoded' },
      {},
    ] as Record<string, string>[]) {
      for (const [path, body] of [
        ['faults', plan],
        ['reset', undefined],
      ] as const) {
        const reply = await control(path, { method: 'POST', headers, ...(body !== undefined && { body }) })
        expect(reply.status, `POST ${path} ${JSON.stringify(headers)}`).toBe(415)
        expect(reply.json()).toMatchObject({
          error: { code: 'UnsupportedMediaType', message: expect.stringContaining('application/json') },
        })
      }
    }
    expect(
      (await control('faults', { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: plan })).status,
    ).toBe(415)
    expect(emulator.faults()).toBeUndefined()
    expect(emulator.count('AppLogs_CL')).toBe(1)
    // application/json from a page needs a preflight; the emulator grants none, so the browser never sends it.
    const preflight = await control('faults', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    })
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined()
    expect(preflight.headers['access-control-allow-headers']).toBeUndefined()
  })

  test('every fault kind and selection mode can be driven over the control endpoint', async () => {
    emulator.reset()
    const put = (plan: unknown) =>
      control('faults', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(plan) })
    const statusOf = (body: unknown = [{ Body: 'x' }]) =>
      ingest(emulator, body).then(
        (r) => r.status,
        (e: NodeJS.ErrnoException) => e.code ?? 'error',
      )

    // A bare array of rules is a plan too; a script of kinds, with a pass (null) in the middle.
    expect(
      (
        await put([
          {
            sequence: [
              { type: 'status', status: 429, retryAfterSeconds: 3 },
              null,
              { type: 'reset', when: 'before-body' },
              { type: 'latency', ms: 20 },
              { type: 'unauthorized' },
              { type: 'reset', when: 'after-body', ingest: true },
            ],
          },
        ])
      ).status,
    ).toBe(204)
    const seen = []
    for (let i = 0; i < 7; i++) seen.push(await statusOf([{ Body: `r${i}` }]))
    expect(seen).toEqual([429, 204, 'ECONNRESET', 204, 401, 'ECONNRESET', 204])
    expect(emulator.requests().map((r) => r.fault ?? '')).toEqual([
      'status:429 retry-after:3',
      '',
      'reset:before-body',
      'latency:20',
      'unauthorized',
      'reset:after-body+stored',
      '',
    ])
    expect(emulator.rows('AppLogs_CL').map((r) => r['Body'])).toEqual(['r1', 'r3', 'r5', 'r6'])

    expect((await put({ rules: [{ fault: { type: 'status', status: 500 }, everyNth: 2 }] })).status).toBe(204)
    expect([await statusOf(), await statusOf(), await statusOf(), await statusOf()]).toEqual([204, 500, 204, 500])

    const seeded = { seed: 3, rules: [{ fault: { type: 'status', status: 503 }, probability: 0.5 }] }
    await put(seeded)
    const first = [await statusOf(), await statusOf(), await statusOf(), await statusOf(), await statusOf()]
    await put(seeded)
    const again = [await statusOf(), await statusOf(), await statusOf(), await statusOf(), await statusOf()]
    expect(again).toEqual(first)
    expect(first.every((s) => s === 204 || s === 503)).toBe(true)

    await put([{ fault: { type: 'hang' } }])
    const hung = send(
      emulator,
      `/dataCollectionRules/${emulator.rules[0]!.ruleId}/streams/Custom-AppLogs?api-version=2023-01-01`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${await fetchToken(emulator)}`, 'content-type': 'application/json' },
        body: '[]',
        timeoutMs: 200,
      },
    )
    await expect(hung).rejects.toThrow('client timeout')
    await expect.poll(() => emulator.requests().at(-1)?.fault).toBe('hang')
    expect((await control('reset', { method: 'POST', headers: JSON_TYPE })).status).toBe(204)
    expect(emulator.faults()).toBeUndefined()
    expect(await statusOf()).toBe(204)
  })

  test('wait long-polls until rows arrive, or answers 408', async () => {
    emulator.reset()
    const waiting = control('wait/AppLogs_CL?count=1&timeoutMs=5000')
    await ingest(emulator, [{ Body: 'w' }])
    const done = await waiting
    expect(done.status).toBe(200)
    expect(done.json()).toEqual({ table: 'AppLogs_CL', count: 1 })
    const timeout = await control('wait/AppLogs_CL?count=5&timeoutMs=20')
    expect(timeout.status).toBe(408)
  })

  test('unknown routes list the routes', async () => {
    const reply = await control('nope')
    expect(reply.status).toBe(404)
    expect(reply.json()).toMatchObject({ error: { message: expect.stringContaining('Routes:') } })
  })
})
