import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { serializeRecord } from '../src/index.ts'
import { serializeWithWriter, truncateUtf8 } from '../src/serialize.ts'

const opts = { maxFieldBytes: 65_536, truncationMarker: '…[truncated]' }
// biome-ignore lint/suspicious/noExplicitAny: parsed JSON in assertions
const json = (record: unknown, o = opts): any => {
  const r = serializeRecord(record, o)
  if (!r.ok) throw new Error(r.message)
  return JSON.parse(r.json)
}

describe('serializeRecord', () => {
  it('writes dates as ISO strings and drops undefined, functions and symbols like JSON does', () => {
    expect(
      json({ TimeGenerated: new Date(0), a: undefined, f: () => 1, s: Symbol('x'), arr: [undefined, () => 1] }),
    ).toEqual({
      TimeGenerated: '1970-01-01T00:00:00.000Z',
      arr: [null, null],
    })
  })

  it('writes date columns as JSON would, including invalid dates and dates a millisecond apart', () => {
    const t = Date.UTC(2026, 10, 23, 12, 0, 0, 5)
    const first = json({ TimeGenerated: new Date(t), ObservedTimestamp: new Date(t), Body: 'a' })
    const next = json({ TimeGenerated: new Date(t + 1), ObservedTimestamp: new Date(Number.NaN), Body: 'b' })
    expect(first).toEqual({
      TimeGenerated: '2026-11-23T12:00:00.005Z',
      ObservedTimestamp: '2026-11-23T12:00:00.005Z',
      Body: 'a',
    })
    expect(next).toEqual({ TimeGenerated: '2026-11-23T12:00:00.006Z', ObservedTimestamp: null, Body: 'b' })
    // the caller's record keeps its Date objects
    const record = { TimeGenerated: new Date(t) }
    serializeRecord(record, opts)
    expect(record.TimeGenerated).toBeInstanceOf(Date)
  })

  it('marks circular references and keeps shared ones', () => {
    const shared = { v: 1 }
    const a: { shared: object; again: object; self?: unknown } = { shared, again: shared }
    a.self = a
    expect(json({ Attributes: a })).toEqual({ Attributes: { shared: { v: 1 }, again: { v: 1 }, self: '[Circular]' } })
  })

  it('handles BigInt, NaN, Infinity, Map, Set, Buffer and typed arrays', () => {
    const record = {
      big: 9007199254740993n,
      huge: 2n ** 70n,
      nan: Number.NaN,
      inf: -Infinity,
      map: new Map<unknown, unknown>([
        ['k', 1],
        [2, 'two'],
      ]),
      set: new Set([1, 'a']),
      buf: Buffer.from('hi'),
      f32: new Float32Array([1.5, 2]),
      u8: new Uint8Array([1, 2, 3]),
    }
    const r = serializeRecord(record, opts)
    // a JSON number keeps every digit of a long; JSON.parse below would round it
    expect(r.ok && r.json).toContain('"big":9007199254740993')
    const { big: _big, ...parsed } = json(record)
    expect(parsed).toEqual({
      huge: '1180591620717411303424',
      nan: null,
      inf: null,
      map: { k: 1, '2': 'two' },
      set: [1, 'a'],
      buf: 'aGk=',
      f32: [1.5, 2],
      u8: 'AQID',
    })
  })

  it('serialises errors with name, message, stack, cause and own fields', () => {
    const error = Object.assign(new Error('outer', { cause: new TypeError('inner') }), { code: 'E_X', status: 500 })
    const e = json({ err: error }).err as Record<string, unknown>
    expect(e).toMatchObject({
      name: 'Error',
      message: 'outer',
      code: 'E_X',
      status: 500,
      cause: { name: 'TypeError', message: 'inner' },
    })
    expect(e['stack']).toContain('Error: outer')
    const agg = json({ err: new AggregateError([new Error('a')], 'many') }).err as { errors: { message: string }[] }
    expect(agg.errors[0]!.message).toBe('a')
  })

  it('replaces lone surrogates so the body is valid UTF-8', () => {
    const r = serializeRecord({ Body: 'a\uD800b', ok: '😀' }, opts)
    expect(r.ok).toBe(true)
    const parsed = json({ Body: 'a\uD800b', ok: '😀' })
    expect(parsed).toEqual({ Body: 'a\uFFFDb', ok: '😀' })
  })

  it('survives throwing getters, throwing toJSON and deep nesting', () => {
    const hostile = {
      get boom() {
        throw new Error('nope')
      },
      fine: 1,
    }
    const badJson = {
      toJSON() {
        throw new Error('no json')
      },
    }
    let deep: { n?: unknown } = {}
    const root = deep
    for (let i = 0; i < 10_000; i++) {
      const next = {}
      deep.n = next
      deep = next
    }
    const parsed = json({ hostile, badJson, root })
    expect(parsed.hostile).toEqual({ boom: '[Unserializable: nope]', fine: 1 })
    expect(parsed.badJson).toBe('[Unserializable: no json]')
    expect(JSON.stringify(parsed.root)).toContain('[Object]')
  })

  it('cuts values over maxFieldBytes on a character boundary with the marker', () => {
    const o = { maxFieldBytes: 100, truncationMarker: '[cut]' }
    const r = serializeRecord({ Body: '€'.repeat(200), Attributes: { text: 'x'.repeat(300) }, short: 'ok' }, o)
    expect(r.ok && r.truncated).toBe(2)
    const parsed = json({ Body: '€'.repeat(200), Attributes: { text: 'x'.repeat(300) }, short: 'ok' }, o)
    expect(Buffer.byteLength(parsed.Body as string)).toBeLessThanOrEqual(100)
    expect(parsed.Body).toBe(`${'€'.repeat(31)}[cut]`)
    expect(typeof parsed.Attributes).toBe('string')
    expect(parsed.Attributes as string).toMatch(/^\{"text":"x+\[cut\]$/)
    expect(parsed.short).toBe('ok')
  })

  it('refuses non-objects without throwing', () => {
    expect(serializeRecord('text', opts)).toMatchObject({ ok: false })
    expect(serializeRecord(null, opts)).toMatchObject({ ok: false })
    expect(serializeRecord([1], opts)).toMatchObject({ ok: false, message: expect.stringContaining('an array') })
  })

  it('property: never throws, always valid JSON of the right byte length, fields within the cap', () => {
    const o = { maxFieldBytes: 256, truncationMarker: '…' }
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ unit: 'binary' }),
          fc.anything({
            withBigInt: true,
            withDate: true,
            withMap: true,
            withSet: true,
            withTypedArray: true,
            withSparseArray: true,
            withBoxedValues: true,
            withNullPrototype: true,
            withObjectString: true,
            stringUnit: 'binary',
          }),
        ),
        (record) => {
          const r = serializeRecord(record, o)
          expect(r.ok).toBe(true)
          if (!r.ok) return
          expect((r.json as string & { isWellFormed(): boolean }).isWellFormed()).toBe(true)
          const parsed = JSON.parse(r.json) as Record<string, unknown>
          // a string column within the cap; any other value's JSON too (longer ones became cut strings)
          for (const v of Object.values(parsed)) {
            const text = typeof v === 'string' ? v : JSON.stringify(v)
            expect(Buffer.byteLength(text)).toBeLessThanOrEqual(256)
          }
        },
      ),
      { numRuns: 300 },
    )
  })

  it('property: JSON-compatible records round-trip exactly', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 4 })), (record) => {
        expect(json(record)).toEqual(JSON.parse(JSON.stringify(record)))
      }),
      { numRuns: 300 },
    )
  })

  it('property: the native fast path writes exactly what the general writer writes', () => {
    // every record either path can take: plain values, and the ones that must fall back to the writer
    class Point {
      constructor(
        readonly x: number,
        readonly label: string,
      ) {}
    }
    const systemError = (code: string) => Object.assign(new Error(`failed: ${code}`), { code, errno: -2 })
    const withToJSON = (inner: unknown) => ({ toJSON: () => ({ wrapped: inner }) })
    const deep = (levels: number) => {
      let v: unknown = { leaf: true }
      for (let i = 0; i < levels; i++) v = { next: v }
      return v
    }
    const special = fc.oneof(
      fc.string().map((m) => new Error(m)),
      fc.constantFrom('ENOENT', 'ECONNRESET').map(systemError),
      fc.tuple(fc.integer(), fc.string()).map(([x, l]) => new Point(x, l)),
      fc.jsonValue({ maxDepth: 2 }).map(withToJSON),
      fc.constantFrom('C:\\udir\\file', 'a\\ud800b', '\ud800 alone', 'pair \ud83d\ude00 ok').map((s) => s),
      fc.integer({ min: 60, max: 70 }).map(deep),
      fc.constant(Buffer.from('bytes')),
      fc.constant(/re+/g),
    )
    const value = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.anything({
          withBigInt: true,
          withDate: true,
          withMap: true,
          withSet: true,
          withTypedArray: true,
          withSparseArray: true,
          withNullPrototype: true,
          withBoxedValues: true,
          stringUnit: 'binary',
          maxDepth: 4,
        }),
      },
      special,
      fc.dictionary(fc.string(), special, { maxKeys: 3 }),
      fc.array(special, { maxLength: 3 }),
    )
    for (const maxFieldBytes of [65_536, 64]) {
      const o = { maxFieldBytes, truncationMarker: '…' }
      fc.assert(
        fc.property(fc.dictionary(fc.string({ unit: 'binary' }), value), (record) => {
          expect(serializeRecord(record, o)).toEqual(serializeWithWriter(record, o))
        }),
        { numRuns: 300 },
      )
    }
  })

  it('property: truncateUtf8 returns the longest well-formed prefix within the budget', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.nat(64), (s, max) => {
        const t = truncateUtf8(s, max)
        expect(s.startsWith(t)).toBe(true)
        expect(Buffer.byteLength(t)).toBeLessThanOrEqual(max)
        if (t.length < s.length) {
          const next = String.fromCodePoint(s.codePointAt(t.length)!)
          expect(Buffer.byteLength(t) + Buffer.byteLength(next)).toBeGreaterThan(max)
        }
      }),
    )
  })
})
