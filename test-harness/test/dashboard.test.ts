import { request } from 'node:https'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { DEFAULT_WORKSPACE_ID, type Emulator, startEmulator } from '../src/index.ts'
import { ingest, send } from './helpers.ts'

let emulator: Emulator
beforeAll(async () => {
  emulator = await startEmulator({ throttle: { requestsPerWindow: 100 } })
})
afterAll(() => emulator.close())

interface Frame {
  event: string
  data: Record<string, unknown>
}

/** Opens the event stream; `next(type)` resolves with the next frame of that type. */
const openEvents = async () => {
  const frames: Frame[] = []
  const waiting: { type: string; resolve: (f: Frame) => void }[] = []
  let buffer = ''
  const res = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
    const req = request(
      new URL('/_emulator/dashboard/events', emulator.endpoint),
      { ca: emulator.caCertificate },
      resolve,
    )
    req.on('error', reject)
    req.end()
  })
  res.setEncoding('utf8')
  res.on('data', (chunk: string) => {
    buffer += chunk
    let end = buffer.indexOf('\n\n')
    while (end >= 0) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      end = buffer.indexOf('\n\n')
      const event = /^event: (.+)$/m.exec(block)?.[1]
      const data = /^data: (.+)$/m.exec(block)?.[1]
      if (event === undefined || data === undefined) continue
      const frame = { event, data: JSON.parse(data) as Record<string, unknown> }
      const i = waiting.findIndex((w) => w.type === event)
      if (i >= 0) waiting.splice(i, 1)[0]!.resolve(frame)
      else frames.push(frame)
    }
  })
  const next = (type: string): Promise<Frame> => {
    const i = frames.findIndex((f) => f.event === type)
    if (i >= 0) return Promise.resolve(frames.splice(i, 1)[0]!)
    return new Promise((resolve) => waiting.push({ type, resolve }))
  }
  return { res, next }
}

describe('dashboard', () => {
  test('serves the page, its script and style, with a redirect from the bare path', async () => {
    const bare = await send(emulator, '/_emulator/dashboard')
    expect([bare.status, bare.headers['location']]).toEqual([301, '/_emulator/dashboard/'])
    const page = await send(emulator, '/_emulator/dashboard/')
    expect(page.status).toBe(200)
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(page.text).toContain('<script src="app.js" defer></script>')
    expect((await send(emulator, '/_emulator/dashboard/app.js')).headers['content-type']).toMatch(/^text\/javascript/)
    expect((await send(emulator, '/_emulator/dashboard/app.css')).headers['content-type']).toMatch(/^text\/css/)
    expect((await send(emulator, '/_emulator/dashboard/nope')).status).toBe(404)
    expect(emulator.dashboardUrl).toBe(`${emulator.endpoint}/_emulator/dashboard/`)
  })

  test('the state holds endpoints, workspaces, tables with their newest rows, requests, throttling and faults', async () => {
    await ingest(emulator, [{ Body: 'first' }, { Body: 'second' }], { headers: { 'x-ms-client-request-id': 'req-1' } })
    const state = (await send(emulator, '/_emulator/dashboard/state')).json() as Record<string, unknown>
    expect(state).toMatchObject({
      endpoint: emulator.endpoint,
      queryEndpoint: emulator.queryEndpoint,
      workspaces: [{ workspaceId: DEFAULT_WORKSPACE_ID, tables: ['AppLogs_CL'] }],
      tables: [
        {
          workspaceId: DEFAULT_WORKSPACE_ID,
          table: 'AppLogs_CL',
          total: 2,
          columns: expect.arrayContaining(['TimeGenerated', 'Body', 'Attributes']),
          rows: [expect.objectContaining({ Body: 'second' }), expect.objectContaining({ Body: 'first' })],
        },
      ],
      requests: [{ status: 204, records: 2, clientRequestId: 'req-1', contentEncoding: 'gzip' }],
      dcrErrors: [],
      throttle: {
        settings: { requestsPerWindow: 100 },
        windows: [{ ruleId: emulator.rules[0]!.ruleId, requests: 1, bytes: expect.any(Number) }],
      },
      faults: null,
    })
  })

  test('the event stream carries rows, requests (with the throttle state), DCR errors, faults and resets as they happen', async () => {
    const events = await openEvents()
    try {
      await ingest(emulator, [{ Body: 'live', SeverityNumber: 'not a number' }])
      const rows = await events.next('rows')
      expect(rows.data).toMatchObject({
        workspaceId: DEFAULT_WORKSPACE_ID,
        table: 'AppLogs_CL',
        rows: [expect.objectContaining({ Body: 'live', SeverityNumber: null })],
      })
      const req = await events.next('request')
      expect(req.data).toMatchObject({
        request: { status: 204, records: 1 },
        throttle: { windows: [expect.objectContaining({ requests: expect.any(Number) })] },
      })
      expect((await events.next('dcrError')).data).toMatchObject({
        error: { operationName: 'Ingestion', message: expect.stringContaining("column 'SeverityNumber' (int)") },
      })
      emulator.setFaults([{ fault: { type: 'status', status: 503, retryAfterSeconds: 1 } }])
      expect((await events.next('faults')).data).toEqual({
        type: 'faults',
        plan: { rules: [{ fault: { type: 'status', status: 503, retryAfterSeconds: 1 } }] },
      })
      expect((await send(emulator, '/_emulator/faults', { method: 'DELETE' })).status).toBe(204)
      expect((await events.next('faults')).data).toEqual({ type: 'faults', plan: null })
      emulator.reset()
      expect((await events.next('reset')).event).toBe('reset')
    } finally {
      events.res.destroy()
    }
  })

  test('close() ends open event streams', async () => {
    const other = await startEmulator()
    const url = new URL('/_emulator/dashboard/events', other.endpoint)
    const res = await new Promise<import('node:http').IncomingMessage>((resolve, reject) =>
      request(url, { ca: other.caCertificate }, resolve).on('error', reject).end(),
    )
    const ended = new Promise<void>((resolve) => {
      res.once('close', resolve)
      res.resume()
    })
    await other.close()
    await ended
  })
})
