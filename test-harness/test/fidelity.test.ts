import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type Emulator, startEmulator } from '../src/index.ts'
import { parseJsonLossless, parseJsonSlow, stringifyJson } from '../src/json-lossless.ts'
import { convertValue, INVALID } from '../src/schema/convert.ts'
import { parseKustoDateTime } from '../src/schema/datetime.ts'
import { ingest, recent, send } from './helpers.ts'

const columns = [
  { name: 'TimeGenerated', type: 'datetime' },
  { name: 'L', type: 'long' },
  { name: 'T', type: 'datetime' },
  { name: 'D', type: 'dynamic' },
  { name: 'S', type: 'string' },
]
const dcr = (stream: string, table: string, transformKql = 'source') => ({
  properties: {
    streamDeclarations: { [stream]: { columns } },
    destinations: { logAnalytics: [{ name: 'la', workspaceResourceId: 'ws' }] },
    dataFlows: [{ streams: [stream], destinations: ['la'], transformKql, outputStream: `Custom-${table}` }],
  },
})
const auxTable = (name: string) => ({ name, plan: 'Auxiliary' as const, columns })

let emulator: Emulator
beforeAll(async () => {
  emulator = await startEmulator({
    dcrs: [
      dcr('Custom-Fidelity', 'Fidelity_CL'),
      dcr('Custom-Aux', 'Aux_CL'),
      dcr('Custom-AuxTransformed', 'AuxT_CL', 'source | extend S = strcat(S, "!")'),
    ],
    tables: [
      auxTable('Aux_CL'),
      // the Tables API body shape, as `PUT …/tables/AuxT_CL` takes it
      { properties: { schema: auxTable('AuxT_CL'), plan: 'Auxiliary' } },
    ],
    maxFieldBytes: 1024,
  })
})
afterAll(() => emulator.close())

const rule = () => emulator.rules[0]!.ruleId
const rawIngest = (stream: string, json: string) =>
  ingest(emulator, undefined, {
    stream,
    raw: Buffer.from(json),
    ruleId: emulator.rules.find((r) => r.streams.includes(stream))!.ruleId,
  })

describe('long keeps all 64 bits', () => {
  test('9007199254740993 is stored as 9007199254740993 (bigint), not …992, and read back exactly', async () => {
    const t = recent()
    const reply = await rawIngest(
      'Custom-Fidelity',
      `[{"TimeGenerated":"${t}","L":9007199254740993,"D":{"id":9007199254740993,"n":1.5}},` +
        `{"TimeGenerated":"${t}","L":"9223372036854775807"},{"TimeGenerated":"${t}","L":-9223372036854775808},` +
        `{"TimeGenerated":"${t}","L":42},{"TimeGenerated":"${t}","L":"9223372036854775808"}]`,
    )
    expect(reply.status).toBe(204)
    const rows = emulator.rows<{ L: unknown; D: unknown }>('Fidelity_CL')
    expect(rows.map((r) => r.L)).toEqual([9007199254740993n, 9223372036854775807n, -9223372036854775808n, 42, null])
    expect(rows[0]!.D).toEqual({ id: 9007199254740993n, n: 1.5 })
    expect(emulator.dcrErrors().at(-1)?.message).toMatch(
      /column 'L' \(long\) could not be converted from "9223372036854775808"/,
    )
    const text = (await send(emulator, '/_emulator/rows/Fidelity_CL')).text
    expect(text).toContain('"L":9007199254740993,')
    expect(text).toContain('"id":9007199254740993,')
  })

  test('the lossless parser agrees with JSON.parse, but for bigints exactly where integers pass 2^53 (property)', () => {
    /** bigint → number, checking that each bigint was an integer JSON.parse could not keep exactly. */
    const asNumbers = (v: unknown): unknown => {
      if (typeof v === 'bigint') {
        expect(Number.isSafeInteger(Number(v))).toBe(false)
        return Number(v)
      }
      if (Array.isArray(v)) return v.map(asNumbers)
      if (typeof v === 'object' && v !== null)
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, asNumbers(x)]))
      return v
    }
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = JSON.stringify(v)
        expect(asNumbers(parseJsonSlow(text))).toEqual(JSON.parse(text))
        expect(asNumbers(parseJsonLossless(text))).toEqual(JSON.parse(text))
      }),
      { numRuns: 300 },
    )
  })

  test('…and refuses what JSON.parse refuses (property)', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        let native: unknown
        try {
          JSON.parse(text)
          native = 'ok'
        } catch {
          native = 'error'
        }
        let lossless: unknown
        try {
          parseJsonSlow(text)
          lossless = 'ok'
        } catch (e) {
          expect(e).toBeInstanceOf(SyntaxError)
          lossless = 'error'
        }
        expect(lossless).toBe(native)
      }),
      { numRuns: 500 },
    )
    for (const bad of ['[1,]', '{"a":1,}', '01', '[1 2]', '"\\x"', '{"a" 1}', '-', '1.', '.5', 'tru']) {
      expect(() => parseJsonSlow(bad), bad).toThrow(SyntaxError)
    }
  })

  test('keeps "__proto__" as an own key, as JSON.parse does', () => {
    const v = parseJsonSlow('{"__proto__":{"polluted":true},"x":12345678901234567890}') as Record<string, unknown>
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype)
    expect(Object.hasOwn(v, '__proto__')).toBe(true)
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
  })

  test('stringifyJson writes bigints as their digits and leaves look-alike strings alone', () => {
    expect(stringifyJson({ a: 12345678901234567890n, b: [-1n], s: '\u0000bigint:5' })).toBe(
      '{"a":12345678901234567890,"b":[-1],"s":"\\u0000bigint:5"}',
    )
  })

  test('long conversion: exact as number within 2^53, bigint past it, out of range is invalid', () => {
    expect(convertValue('long', '123')).toBe(123)
    expect(convertValue('long', 1.9)).toBe(1)
    expect(convertValue('long', ' -9007199254740993 ')).toBe(-9007199254740993n)
    expect(convertValue('long', 2n ** 63n)).toBe(INVALID)
    expect(convertValue('int', 9007199254740993n)).toBe(INVALID)
    expect(convertValue('real', 9007199254740993n)).toBe(9007199254740992)
    expect(convertValue('string', 9007199254740993n)).toBe('9007199254740993')
  })
})

describe('datetime is read like Kusto, never guessed', () => {
  test.each([
    // ISO 8601
    ['2014-05-25T08:20:03.123456Z', '2014-05-25T08:20:03.123Z'],
    ['2014-05-25T08:20:03.123456', '2014-05-25T08:20:03.123Z'],
    ['2014-05-25T08:20', '2014-05-25T08:20:00.000Z'],
    ['2014-11-08 15:55:55.123456Z', '2014-11-08T15:55:55.123Z'],
    ['2014-11-08 15:55:55', '2014-11-08T15:55:55.000Z'],
    ['2014-11-08 15:55', '2014-11-08T15:55:00.000Z'],
    ['2014-11-08', '2014-11-08T00:00:00.000Z'],
    ['2026-01-15T10:00:00+02:00', '2026-01-15T08:00:00.000Z'],
    ['2026-01-15T10:00:00-0130', '2026-01-15T11:30:00.000Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
    // RFC 822 (and RFC 1123's four-digit year)
    ['Sat, 8 Nov 14 15:05:02 GMT', '2014-11-08T15:05:02.000Z'],
    ['Sat, 8 Nov 14 15:05', '2014-11-08T15:05:00.000Z'],
    ['8 Nov 14 15:05:02', '2014-11-08T15:05:02.000Z'],
    ['8 Nov 14 15:05 GMT', '2014-11-08T15:05:00.000Z'],
    ['Thu, 15 Jan 2026 10:00:00 GMT', '2026-01-15T10:00:00.000Z'],
    ['1 Jan 99 00:00', '1999-01-01T00:00:00.000Z'],
    // RFC 850
    ['Saturday, 08-Nov-14 15:05:02 GMT', '2014-11-08T15:05:02.000Z'],
    ['Saturday, 08-Nov-14 15:05', '2014-11-08T15:05:00.000Z'],
    ['08-Nov-14 15:05:02 GMT', '2014-11-08T15:05:02.000Z'],
    ['08-Nov-14 15:05', '2014-11-08T15:05:00.000Z'],
    // sortable
    ['2014-11-8 15:05:25', '2014-11-08T15:05:25.000Z'],
    ['2014-11-08 15:05:25 GMT', '2014-11-08T15:05:25.000Z'],
    ['2014-1-8T15:05 GMT', '2014-01-08T15:05:00.000Z'],
  ])('%s', (text, iso) => {
    expect(parseKustoDateTime(text)?.toISOString()).toBe(iso)
  })

  test.each([
    '1',
    '12/31/2025',
    '12/31/2025 10 AM',
    'November 7, 2025',
    '2025-02-30',
    '2025-13-01',
    '2014-1-8',
    '2014-11-08T24:00',
    '2014-11-08T10:61',
    '1700000000',
    '',
    'Sat, 8 Nov 14',
    '2014-11-08T15:05:02.12345678Z',
  ])('%j is not a datetime', (text) => {
    expect(parseKustoDateTime(text)).toBeUndefined()
  })

  test('over HTTPS: "1" and "12/31/2025" are stored empty with a DCR error, not as 2001 or local time', async () => {
    emulator.reset()
    const t = recent()
    await ingest(
      emulator,
      [
        { TimeGenerated: t, T: '1' },
        { TimeGenerated: t, T: '12/31/2025' },
      ],
      {
        stream: 'Custom-Fidelity',
        ruleId: rule(),
      },
    )
    expect(emulator.rows<{ T: unknown }>('Fidelity_CL').map((r) => r.T)).toEqual([null, null])
    expect(emulator.dcrErrors().map((e) => e.message)).toEqual([
      expect.stringContaining(`column 'T' (datetime) could not be converted from "1"`),
      expect.stringContaining(`column 'T' (datetime) could not be converted from "12/31/2025"`),
    ])
  })
})

describe('64 KB field limit (1 KB here) applies to dynamic values too', () => {
  test('a dynamic value whose JSON is too long is cut to the limit, as text; smaller ones stay structured', async () => {
    emulator.reset()
    const t = recent()
    const big = { items: Array.from({ length: 200 }, (_, i) => `item-${i}`) }
    await ingest(
      emulator,
      [
        { TimeGenerated: t, D: big },
        { TimeGenerated: t, D: { small: true } },
        { TimeGenerated: t, D: 'é'.repeat(600) },
      ],
      {
        stream: 'Custom-Fidelity',
        ruleId: rule(),
      },
    )
    const [cut, small, text] = emulator.rows<{ D: unknown }>('Fidelity_CL').map((r) => r.D)
    expect(typeof cut).toBe('string')
    expect(Buffer.byteLength(cut as string)).toBe(1024)
    expect(JSON.stringify(big).startsWith(cut as string)).toBe(true)
    expect(small).toEqual({ small: true })
    expect(text).toBe('é'.repeat(512))
  })
})

describe('Auxiliary tables', () => {
  const auxRule = () => emulator.rules.find((r) => r.streams.includes('Custom-Aux'))!.ruleId
  const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString()

  test('nested JSON in a non-dynamic column is a 400 that names the column; in a dynamic column it is fine', async () => {
    const bad = await ingest(emulator, [{ TimeGenerated: at(1), S: { nested: true } }], {
      stream: 'Custom-Aux',
      ruleId: auxRule(),
    })
    expect(bad.status).toBe(400)
    expect(bad.json()).toMatchObject({
      error: { code: 'BadRequest', message: expect.stringMatching(/malformed JSON.*column 'S' \(string\)/) },
    })
    const good = await ingest(emulator, [{ TimeGenerated: at(1), D: { nested: true }, S: 'flat' }], {
      stream: 'Custom-Aux',
      ruleId: auxRule(),
    })
    expect(good.status).toBe(204)
    // the same nested value goes into an Analytics table's string column as JSON text
    const analytics = await ingest(emulator, [{ TimeGenerated: at(1), S: { nested: true } }], {
      stream: 'Custom-Fidelity',
      ruleId: rule(),
    })
    expect(analytics.status).toBe(204)
  })

  test('one call may span at most 30 minutes of TimeGenerated', async () => {
    const over = await ingest(
      emulator,
      [{ TimeGenerated: at(40) }, { TimeGenerated: at(5) }, { TimeGenerated: at(1) }],
      {
        stream: 'Custom-Aux',
        ruleId: auxRule(),
      },
    )
    expect(over.status).toBe(400)
    expect(over.json()).toMatchObject({
      error: { code: 'RecordsTimeRangeIsMoreThan30Minutes', message: expect.stringContaining('39 minutes') },
    })
    expect(over.headers['x-ms-error-code']).toBe('RecordsTimeRangeIsMoreThan30Minutes')
    const within = await ingest(emulator, [{ TimeGenerated: at(29) }, { TimeGenerated: at(1) }], {
      stream: 'Custom-Aux',
      ruleId: auxRule(),
    })
    expect(within.status).toBe(204)
  })

  test('the span rule does not apply to a data flow with a transformation (nested JSON still does)', async () => {
    const ruleId = emulator.rules.find((r) => r.streams.includes('Custom-AuxTransformed'))!.ruleId
    const spread = await ingest(
      emulator,
      [
        { TimeGenerated: at(40), S: 'a' },
        { TimeGenerated: at(1), S: 'b' },
      ],
      {
        stream: 'Custom-AuxTransformed',
        ruleId,
      },
    )
    expect(spread.status).toBe(204)
    const nested = await ingest(emulator, [{ TimeGenerated: at(1), S: [1] }], {
      stream: 'Custom-AuxTransformed',
      ruleId,
    })
    expect(nested.status).toBe(400)
  })

  test('an unknown plan is refused at start', async () => {
    await expect(
      startEmulator({ tables: [{ name: 'X_CL', plan: 'Premium' as 'Basic', columns }] }),
    ).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      message: expect.stringContaining("plan 'Premium' is not one of Analytics, Basic, Auxiliary"),
    })
  })
})
