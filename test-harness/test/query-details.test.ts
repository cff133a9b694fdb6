import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { DEFAULT_WORKSPACE_ID, type Emulator, startEmulator, Timespan } from '../src/index.ts'
import { tableJson } from '../src/query/response.ts'
import { parseTimespan } from '../src/query/timespan.ts'
import { ingest, send } from './helpers.ts'

describe('response values, as the service writes them', () => {
  test('datetimes, dynamic values, big longs, non-finite reals, timespans, nulls', () => {
    const json = tableJson({
      columns: [
        { name: 'T', type: 'datetime' },
        { name: 'D', type: 'dynamic' },
        { name: 'L', type: 'long' },
        { name: 'R', type: 'real' },
        { name: 'S', type: 'timespan' },
        { name: 'B', type: 'bool' },
        { name: 'N', type: 'string' },
      ],
      rows: [
        [
          new Date('2026-03-01T12:00:00Z'),
          { a: [1] },
          9_007_199_254_740_993n,
          Number.NaN,
          new Timespan(90_000),
          true,
          null,
        ],
        [new Date('2026-03-01T12:00:00.123Z'), 'text', 5, Number.NEGATIVE_INFINITY, '1.00:00:00', false, ''],
      ],
    })
    expect(json).toContain('[["2026-03-01T12:00:00Z","{\\"a\\":[1]}",9007199254740993,"NaN","00:01:30",true,null]')
    expect(json).toContain('["2026-03-01T12:00:00.1230000Z","\\"text\\"",5,"-Infinity","1.00:00:00",false,""]]')
    expect(JSON.parse(json).rows[1][1]).toBe('"text"')
  })
})

describe('timespan', () => {
  const now = new Date('2026-03-01T12:00:00Z')
  test.each([
    ['PT1H', '2026-03-01T11:00:00.000Z', '2026-03-01T12:00:00.000Z'],
    ['P1D', '2026-02-28T12:00:00.000Z', '2026-03-01T12:00:00.000Z'],
    ['P1M', '2026-02-01T12:00:00.000Z', '2026-03-01T12:00:00.000Z'],
    ['PT1M30S', '2026-03-01T11:58:30.000Z', '2026-03-01T12:00:00.000Z'],
    ['2026-01-01T00:00:00Z/2026-01-02T00:00:00Z', '2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z'],
    ['2026-01-01T00:00:00Z/PT6H', '2026-01-01T00:00:00.000Z', '2026-01-01T06:00:00.000Z'],
    ['P1D/2026-01-02T00:00:00Z', '2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z'],
    ['2026-01-01T00:00:00/2026-01-01T01:00:00', '2026-01-01T00:00:00.000Z', '2026-01-01T01:00:00.000Z'],
  ])('%s', (text, start, end) => {
    const r = parseTimespan(text, now)
    expect([r.start.toISOString(), r.end.toISOString()]).toEqual([start, end])
  })

  test.each(['1h', 'P', 'PT', 'yesterday', 'a/b/c'])('%s is refused with what is accepted', (text) => {
    expect(() => parseTimespan(text, now)).toThrow(/is not an ISO 8601 duration \(PT1H, P7D\) or interval/)
  })
})

describe('query API and control details', () => {
  let emulator: Emulator
  beforeAll(async () => {
    emulator = await startEmulator()
    await ingest(emulator, [{ Body: 'a', SeverityNumber: 9 }, { Body: 'b' }])
  })
  afterAll(() => emulator.close())
  const path = () => `/v1/workspaces/${emulator.workspaceId}/query`
  const token = (o: Parameters<Emulator['createAccessToken']>[0] = {}) =>
    emulator.createAccessToken({ audience: 'https://api.loganalytics.io', ...o })

  test('an expired token gets 401 InvalidTokenError saying why; PUT gets 405; a body that is not JSON gets 400', async () => {
    const expired = await send(emulator, path(), {
      method: 'POST',
      headers: { authorization: `Bearer ${token({ lifetimeSeconds: -5 })}`, 'content-type': 'application/json' },
      body: '{"query":"AppLogs_CL"}',
    })
    expect(expired.status).toBe(401)
    expect(expired.json()).toMatchObject({
      error: { code: 'InvalidTokenError', innererror: { code: 'ExpiredAuthenticationToken' } },
    })
    expect(
      (await send(emulator, path(), { method: 'PUT', headers: { authorization: `Bearer ${token()}` } })).status,
    ).toBe(405)
    const bad = await send(emulator, path(), {
      method: 'POST',
      headers: { authorization: `Bearer ${token()}`, 'content-type': 'application/json' },
      body: '{"query":',
    })
    expect(bad.status).toBe(400)
    expect(bad.json()).toMatchObject({
      error: { code: 'BadArgumentError', message: expect.stringContaining('not valid JSON') },
    })
    const noQuery = await send(emulator, path(), {
      method: 'POST',
      headers: { authorization: `Bearer ${token()}`, 'content-type': 'application/json' },
      body: '{}',
    })
    expect(noQuery.json()).toMatchObject({
      error: { code: 'BadArgumentError', message: expect.stringContaining("'query' is required") },
    })
  })

  test('query-only functions, column_ifexists, nulls first/last, and an unknown table naming the tables there are', () => {
    expect(
      emulator.query(
        'AppLogs_CL | project B = replace_string(Body, "a", "x"), C = coalesce(SeverityNumber, -1), D = column_ifexists("Nope", "dflt") | order by B asc',
      ).rows,
    ).toEqual([
      ['b', -1, 'dflt'],
      ['x', 9, 'dflt'],
    ])
    expect(emulator.query('AppLogs_CL | order by SeverityNumber asc nulls last | project Body').rows).toEqual([
      ['a'],
      ['b'],
    ])
    expect(emulator.query('AppLogs_CL | order by SeverityNumber desc nulls first | project Body').rows).toEqual([
      ['b'],
      ['a'],
    ])
    expect(() => emulator.query('Nope_CL')).toThrow(
      "Failed to resolve table or column expression named 'Nope_CL' (tables in this workspace: AppLogs_CL)",
    )
  })

  test('the control endpoint narrows rows, counts and waits to ?workspaceId=', async () => {
    const rows = await send(emulator, `/_emulator/rows/AppLogs_CL?workspaceId=${DEFAULT_WORKSPACE_ID}`)
    expect([rows.status, rows.headers['x-emulator-row-count']]).toEqual([200, '2'])
    expect((await send(emulator, `/_emulator/counts?workspaceId=${DEFAULT_WORKSPACE_ID}`)).json()).toEqual({
      AppLogs_CL: 2,
    })
    const wait = await send(emulator, `/_emulator/wait/AppLogs_CL?count=2&workspaceId=${DEFAULT_WORKSPACE_ID}`)
    expect(wait.json()).toEqual({ table: 'AppLogs_CL', count: 2 })
    const unknown = await send(emulator, '/_emulator/counts?workspaceId=nope')
    expect(unknown.status).toBe(400)
    expect(unknown.json()).toMatchObject({ error: { message: expect.stringContaining("Unknown workspaceId 'nope'") } })
  })
})
