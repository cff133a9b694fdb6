/**
 * Fuzzing the serialiser with hostile values: cycles, getters and Proxy traps that throw (also things whose
 * `toString` throws), huge strings, lone surrogates, `__proto__` and `constructor` keys. It must never throw,
 * never hang, always produce well-formed JSON whose UTF-8 is valid, cut long columns, and never touch
 * `Object.prototype`.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createLogsIngestionClient, type IngestionTransport, serializeRecord } from '../../src/index.ts'
import { serializeValue } from '../../src/serialize.ts'
import { fuzz } from './budget.ts'

const opts = { maxFieldBytes: 4_096, truncationMarker: '…[cut]' }

/** Something that throws when anyone looks at it, including when the thrown value is turned into text. */
const hostileThrow = fc.constantFrom<() => unknown>(
  () => new Error('getter failed'),
  () => 'a string',
  () => undefined,
  () => null,
  () => ({
    toString() {
      throw new Error('toString too')
    },
  }),
  () => Symbol('thrown'),
  () => Object.create(null),
)

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c))
const nastyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.tuple(fc.string(), loneSurrogate, fc.string()).map(([a, s, b]) => a + s + b),
  fc.nat(200_000).map((n) => 'é'.repeat(n)),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toJSON', '\u0000', '"\\', '\ud83d\ude00'),
)
const key = fc.oneof(nastyString, fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty'))

/** A value tree with hostile leaves and, afterwards, random back-edges (cycles). */
const hostileValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.anything({ maxDepth: 2, withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true }),
    nastyString,
    tie('object'),
    tie('array'),
    hostileThrow.map((make) => ({
      get boom() {
        throw make()
      },
    })),
    hostileThrow.map(
      (make) =>
        new Proxy(
          {},
          {
            ownKeys() {
              throw make()
            },
            get() {
              throw make()
            },
          },
        ),
    ),
    hostileThrow.map((make) => ({
      toJSON() {
        throw make()
      },
    })),
  ),
  object: fc.array(fc.tuple(key, tie('value')), { maxLength: 5 }).map((entries) => {
    const o: Record<string, unknown> = {}
    // defineProperty: a `__proto__` key becomes an own property, as JSON.parse makes it
    for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, enumerable: true, configurable: true })
    return o
  }),
  array: fc.array(tie('value'), { maxLength: 5 }),
}))

/** Links some objects of a tree back to their ancestors. */
const withCycles = (root: Record<string, unknown>, picks: number[]): Record<string, unknown> => {
  const nodes: object[] = []
  const walk = (v: unknown, depth: number): void => {
    if (typeof v !== 'object' || v === null || depth > 6 || nodes.includes(v) || nodes.length > 50) return
    if (Object.getPrototypeOf(v) !== Object.prototype && !Array.isArray(v)) return
    nodes.push(v)
    for (const k of Object.keys(v)) {
      try {
        walk((v as Record<string, unknown>)[k], depth + 1)
      } catch {
        // a hostile leaf
      }
    }
  }
  walk(root, 0)
  for (const [i, p] of picks.entries()) {
    const from = nodes[p % nodes.length]
    const to = nodes[(p * 7 + i) % nodes.length]
    if (from !== undefined && Object.isExtensible(from)) (from as Record<string, unknown>)[`cycle${i}`] = to
  }
  return root
}

const record = fc
  .tuple(fc.array(fc.tuple(key, hostileValue.value), { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 4 }))
  .map(([entries, picks]) => {
    const o: Record<string, unknown> = {}
    for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, enumerable: true, configurable: true })
    return withCycles(o, picks)
  })

const isWellFormed = (s: string): boolean => Buffer.from(s, 'utf8').toString('utf8') === s

describe('fuzz: serialiser', () => {
  it('never throws; well-formed JSON, valid UTF-8, columns cut to maxFieldBytes, Object.prototype untouched', () => {
    fc.assert(
      fc.property(record, (r) => {
        const result = serializeRecord(r, opts)
        if (!result.ok) {
          expect(result.message).toMatch(/record/)
          return
        }
        expect(isWellFormed(result.json)).toBe(true)
        const parsed = JSON.parse(result.json) as Record<string, unknown>
        for (const k of Object.keys(parsed)) {
          const v = parsed[k]
          const text = typeof v === 'string' ? v : JSON.stringify(v)
          expect(Buffer.byteLength(text)).toBeLessThanOrEqual(opts.maxFieldBytes + 2)
        }
        expect(Object.keys(Object.prototype)).toEqual([])
        expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
      }),
      fuzz(300),
    )
  })

  it('a `__proto__` column is written as a column, and parsing the output pollutes nothing', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 2 }), (v) => {
        const r = JSON.parse(`{"__proto__":{"polluted":true},"x":${JSON.stringify(v) ?? 'null'}}`)
        const out = serializeRecord(r, opts)
        expect(out.ok && out.json.startsWith('{"__proto__":{"polluted":true}')).toBe(true)
        expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
      }),
      fuzz(100),
    )
  })

  it('serializeValue (the drop reporter’s path) never throws on anything', () => {
    fc.assert(
      fc.property(hostileValue.value, (v) => {
        expect(typeof serializeValue(v)).toBe('string')
      }),
      fuzz(300),
    )
  })

  it('client.push() never throws and accounts for every record', async () => {
    const transport: IngestionTransport = {
      send: async () => ({ kind: 'response', status: 204, headers: {}, body: '' }),
      close() {},
    }
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(record, hostileValue.value), { maxLength: 20 }), async (records) => {
        let dropped = 0
        const client = createLogsIngestionClient(
          {
            endpoint: 'https://x.ingest.monitor.azure.com',
            ruleId: 'dcr-00000000000000000000000000000000',
            credential: { getToken: async () => ({ token: 't', expiresOnTimestamp: Date.now() + 3_600_000 }) },
            maxFieldBytes: 4_096,
            onDrop: (e) => {
              dropped += e.records.length
            },
          },
          { transport },
        )
        for (const r of records) expect(typeof client.push(r as Record<string, unknown>)).toBe('boolean')
        await client.close()
        const s = client.stats().records
        expect(s.delivered + dropped).toBe(records.length)
      }),
      fuzz(60),
    )
  })
})
