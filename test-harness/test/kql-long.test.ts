import { ClientSecretCredential } from '@azure/identity'
import { LogsQueryClient } from '@azure/monitor-query-logs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type Emulator, startEmulator } from '../src/index.ts'
import { fetchToken, ingest, recent, send } from './helpers.ts'

// Longs past 2^53 arrive exact (the lossless parser) and are kept as bigint: KQL must not round them on the way out.
const STREAM = 'Custom-Longs'
const dcr = {
  properties: {
    streamDeclarations: {
      [STREAM]: {
        columns: [
          { name: 'TimeGenerated', type: 'datetime' },
          { name: 'Key', type: 'string' },
          { name: 'L', type: 'long' },
          { name: 'Raw', type: 'string' },
        ],
      },
    },
    destinations: { logAnalytics: [{ name: 'la', workspaceResourceId: 'longs' }] },
    dataFlows: [
      {
        streams: [STREAM],
        destinations: ['la'],
        // at ingestion too: exact arithmetic, integer division, comparison, and JSON text holding a long
        transformKql:
          'source | where L != 0 | extend Next = L + 1, Half = L / 2, Big = L > 9007199254740992, FromRaw = tolong(parse_json(Raw).id)',
        outputStream: 'Custom-Longs_CL',
      },
    ],
  },
}

let emulator: Emulator
const query = (kql: string) => emulator.query(kql)
beforeAll(async () => {
  emulator = await startEmulator({ dcrs: [dcr] })
  const t = recent()
  const body = [
    ['a', '9007199254740993'],
    ['b', '9007199254740992'],
    ['c', '5'],
    ['d', '-9007199254740995'],
    ['e', '9007199254740993'],
    ['f', '9223372036854775000'],
    ['zero', '0'],
  ]
    .map(([id, l]) => `{"TimeGenerated":"${t}","Key":"${id}","L":${l},"Raw":"{\\"id\\":${l}}"}`)
    .join(',')
  expect((await ingest(emulator, undefined, { stream: STREAM, raw: Buffer.from(`[${body}]`) })).status).toBe(204)
})
afterAll(() => emulator.close())

describe('KQL keeps longs past 2^53 exact', () => {
  test('a transformation computes with them and compares them exactly', () => {
    const rows = emulator.rows<Record<string, unknown>>('Longs_CL')
    expect(rows.map((r) => r['Key'])).toEqual(['a', 'b', 'c', 'd', 'e', 'f'])
    expect(rows[0]).toMatchObject({
      L: 9007199254740993n,
      Next: 9007199254740994n,
      Half: 4503599627370496, // truncated toward zero, back within 2^53: a number again
      Big: true,
      FromRaw: 9007199254740993n,
    })
    expect(rows[1]).toMatchObject({ L: 9007199254740992n, Big: false })
    expect(rows[3]).toMatchObject({ L: -9007199254740995n, Next: -9007199254740994n, Half: -4503599627370497 })
    expect(rows[2]).toMatchObject({ L: 5, Next: 6, Half: 2, Big: false, FromRaw: 5 })
  })

  test('where ==, >, between and in compare exactly', () => {
    const ids = (kql: string) => query(`Longs_CL | ${kql} | project Key`).rows.map((r) => r[0])
    expect(ids('where L == 9007199254740993')).toEqual(['a', 'e'])
    expect(ids('where L > 9007199254740992')).toEqual(['a', 'e', 'f'])
    expect(ids('where L < -9007199254740994')).toEqual(['d'])
    expect(ids('where L between (9007199254740993 .. 9007199254740993)')).toEqual(['a', 'e'])
    expect(ids('where L in (9007199254740992, 5)')).toEqual(['b', 'c'])
    expect(ids('where L != 9007199254740993 and L > 9007199254740991')).toEqual(['b', 'f'])
  })

  test('project and extend keep the value, and arithmetic stays exact', () => {
    const result = query(
      "Longs_CL | where Key == 'a' | project L, M = L * 2, Neg = -L, Mod = L % 10, Diff = L - 9007199254740992, S = tostring(L)",
    )
    expect(result.columns.map((c) => c.type)).toEqual(['long', 'long', 'long', 'long', 'long', 'string'])
    expect(result.rows).toEqual([[9007199254740993n, 18014398509481986n, -9007199254740993n, 3, 1, '9007199254740993']])
  })

  test('summarize count, min, max, sum by a long, and order by it, exactly', () => {
    const grouped = query('Longs_CL | summarize n = count(), ids = make_list(Key) by L | order by L asc')
    expect(grouped.rows).toEqual([
      [-9007199254740995n, 1, ['d']],
      [5, 1, ['c']],
      [9007199254740992n, 1, ['b']],
      [9007199254740993n, 2, ['a', 'e']],
      [9223372036854775000n, 1, ['f']],
    ])
    const totals = query("Longs_CL | where Key in ('a', 'b', 'c') | summarize min(L), max(L), sum(L), dcount(L)")
    expect(totals.rows).toEqual([[5, 9007199254740993n, 18014398509481990n, 3]])
    expect(query('Longs_CL | top 2 by L desc | project Key').rows).toEqual([['f'], ['a']])
  })

  test('the query API writes them as exact JSON numbers; LogsQueryClient reads them as the service would be read', async () => {
    const kql = "Longs_CL | where Key == 'a' | project L, S = tostring(L), D = parse_json(Raw)"
    const token = await fetchToken(emulator, 'https://api.loganalytics.io/.default')
    const raw = await send(emulator, `/v1/workspaces/${emulator.workspaceId}/query`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: kql }),
    })
    expect(raw.status).toBe(200)
    expect(raw.text).toContain('"rows":[[9007199254740993,"9007199254740993","{\\"id\\":9007199254740993}"]]')

    const credential = new ClientSecretCredential(emulator.tenantId, emulator.clientId, emulator.clientSecret, {
      authorityHost: emulator.authorityHost,
      disableInstanceDiscovery: true,
    })
    const client = new LogsQueryClient(credential, { endpoint: emulator.queryEndpoint })
    const result = await client.queryWorkspace(emulator.workspaceId, kql, { duration: 'P1D' })
    // The client parses with JSON.parse, which rounds a long past 2^53 (from Azure too); tostring() is the exact way.
    expect(result).toMatchObject({
      tables: [{ rows: [[9007199254740992, '9007199254740993', { id: 9007199254740992 }]] }],
    })
  })
})
