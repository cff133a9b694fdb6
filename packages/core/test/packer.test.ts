import { randomBytes } from 'node:crypto'
import { gunzipSync } from 'node:zlib'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type Body, bodyRecords as readBack } from '../src/body.ts'
import { type PackOptions, packRecords } from '../src/packer.ts'

const limits = (over: Partial<PackOptions> = {}): PackOptions => ({
  maxRequestBytes: 1_048_576,
  maxUncompressedBytes: 40 * 1024 * 1024,
  maxRecordsPerRequest: 1_000_000,
  maxTimeSpanMs: 0,
  compression: 'gzip',
  compressionLevel: 6,
  pieceChars: 64 * 1024,
  ...over,
})

/** Seqs (from 1) of the records a body holds, found by their text. */
const seqsOf = (b: Body, jsons: readonly string[]) =>
  bodyJson(b.payload, b.encoding).map((r) => jsons.indexOf(JSON.stringify(r)) + 1)

/** A realistic log line: repetitive keys, varying ids, numbers and text. */
const logLine = (i: number, rnd: () => number): string =>
  JSON.stringify({
    TimeGenerated: new Date(1_700_000_000_000 + i * 7).toISOString(),
    SeverityText: ['info', 'warn', 'error', 'debug'][i % 4],
    SeverityNumber: [9, 13, 17, 5][i % 4],
    Body: `request ${i} handled in ${Math.floor(rnd() * 1000)} ms for user ${Math.floor(rnd() * 1e9).toString(36)}`,
    Attributes: {
      route: `/api/items/${Math.floor(rnd() * 1e6)}`,
      status: 200 + (i % 5),
      bytes: Math.floor(rnd() * 1e5),
    },
    TraceId: Math.floor(rnd() * 2 ** 52)
      .toString(16)
      .padStart(32, '0'),
  })

const seeded = (seed: number) => () => {
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed / 2147483648
}

const bodyJson = (payload: Buffer, encoding: string): unknown[] =>
  JSON.parse((encoding === 'gzip' ? gunzipSync(payload) : payload).toString('utf8'))

describe('packRecords', () => {
  it('fills gzip bodies to at least 90% of 1 MiB with realistic logs, each under the cap', async () => {
    const rnd = seeded(7)
    const jsons = Array.from({ length: 60_000 }, (_, i) => logLine(i, rnd))
    const { bodies, tooLarge } = await packRecords(jsons, limits())
    expect(tooLarge).toEqual([])
    const full = bodies.filter((b) => b.full)
    expect(full.length).toBeGreaterThan(0)
    for (const b of bodies) expect(b.payload.length).toBeLessThanOrEqual(1_048_576)
    for (const b of full) expect(b.payload.length / 1_048_576).toBeGreaterThanOrEqual(0.9)
    const decoded = bodies.flatMap((b) => bodyJson(b.payload, b.encoding))
    expect(decoded.length).toBe(jsons.length)
    expect(JSON.stringify(decoded[12_345])).toBe(jsons[12_345])
    // each body's raw size is what it decompresses to, and its records read back as they went in
    expect(gunzipSync(bodies[0]!.payload).length).toBe(bodies[0]!.rawBytes)
    expect(await readBack(bodies[1]!)).toEqual(jsons.slice(bodies[0]!.count, bodies[0]!.count + bodies[1]!.count))
  })

  it('compresses off the event loop: the loop keeps turning while bodies are packed', async () => {
    const rnd = seeded(11)
    const jsons = Array.from({ length: 30_000 }, (_, i) => logLine(i, rnd))
    let turns = 0
    let packing = true
    const tick = () => {
      if (!packing) return
      turns++
      setImmediate(tick)
    }
    setImmediate(tick)
    const { bodies } = await packRecords(jsons, limits({ maxRequestBytes: 262_144 }))
    packing = false
    // zlib runs on the thread pool: the loop turns while pieces compress (how often depends on the machine's load)
    expect(bodies.length).toBeGreaterThanOrEqual(2)
    expect(turns).toBeGreaterThan(0)
  })

  it('respects the uncompressed cap and the record cap', async () => {
    const rnd = seeded(3)
    const jsons = Array.from({ length: 3_000 }, (_, i) => logLine(i, rnd))
    const byRaw = await packRecords(jsons, limits({ maxUncompressedBytes: 50_000, pieceChars: 8_000 }))
    for (const b of byRaw.bodies) expect(gunzipSync(b.payload).length).toBeLessThanOrEqual(50_000)
    expect(byRaw.bodies.reduce((n, b) => n + b.count, 0)).toBe(3_000)
    const byCount = await packRecords(jsons, limits({ maxRecordsPerRequest: 700 }))
    expect(byCount.bodies.map((b) => b.count)).toEqual([700, 700, 700, 700, 200])
  })

  it('sends a large but compressible record alone, and reports an incompressible one as too large', async () => {
    const compressible = JSON.stringify({ Body: 'a'.repeat(3 * 1024 * 1024) })
    // base64 of random bytes: 6 bits of entropy per character, so 1.6 MB of it cannot gzip under 1 MiB
    const random = JSON.stringify({ Body: randomBytes(1_200_000).toString('base64') })
    const jsons = ['{"a":1}', compressible, random, '{"b":2}']
    const { bodies, tooLarge } = await packRecords(jsons, limits())
    expect(tooLarge).toEqual([random])
    expect(bodies.flatMap((b) => seqsOf(b, jsons))).toEqual([1, 2, 4])
    for (const b of bodies) expect(b.payload.length).toBeLessThanOrEqual(1_048_576)
  })

  it('without compression, caps the JSON itself', async () => {
    const jsons = Array.from({ length: 500 }, (_, i) => JSON.stringify({ Body: `line ${i}`.padEnd(100, '.') }))
    const { bodies } = await packRecords(
      jsons,
      limits({ compression: 'none', maxRequestBytes: 10_000, pieceChars: 1_000 }),
    )
    for (const b of bodies) {
      expect(b.encoding).toBe('identity')
      expect(b.payload.length).toBeLessThanOrEqual(10_000)
      expect(b.payload.length).toBe(b.rawBytes)
    }
    // full bodies end within one piece of the cap
    expect(bodies.filter((b) => b.full).every((b) => b.payload.length > 10_000 - 1_200)).toBe(true)
  })

  it('property: every body ≤ cap as sent; every record in exactly one body or too large; order kept', async () => {
    const record = fc.oneof(
      fc.string({ maxLength: 400 }).map((s) => JSON.stringify({ Body: s })),
      fc
        .uint8Array({ minLength: 0, maxLength: 3000 })
        .map((b) => JSON.stringify({ Body: Buffer.from(b).toString('base64') })),
      fc.nat(20_000).map((n) => JSON.stringify({ Body: 'x'.repeat(n) })),
    )
    await fc.assert(
      fc.asyncProperty(
        fc.array(record, { maxLength: 60 }),
        fc.integer({ min: 1024, max: 16_384 }),
        fc.constantFrom<'gzip' | 'none'>('gzip', 'none'),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 50, max: 20_000 }),
        async (records, cap, compression, maxRecords, pieceChars) => {
          // unique records, so each can be found by its text
          const jsons = records.map((r, i) => r.replace('{', `{"i":${i},`))
          const { bodies, tooLarge } = await packRecords(
            jsons,
            limits({
              maxRequestBytes: cap,
              compression,
              maxRecordsPerRequest: maxRecords,
              maxUncompressedBytes: cap * 20,
              pieceChars,
            }),
          )
          const seen: number[] = []
          for (const b of bodies) {
            expect(b.payload.length).toBeLessThanOrEqual(cap)
            expect(b.count).toBeLessThanOrEqual(maxRecords)
            expect(b.count).toBeGreaterThan(0)
            const texts = await readBack(b)
            expect(texts.map((t) => JSON.parse(t))).toEqual(bodyJson(b.payload, b.encoding))
            seen.push(...texts.map((t) => jsons.indexOf(t) + 1))
          }
          // order kept across bodies; with too-large records removed, nothing else is missing or repeated
          expect(seen).toEqual([...seen].sort((a, b) => a - b))
          const expected = jsons.map((_, i) => i + 1)
          expect([...seen, ...tooLarge.map((t) => jsons.indexOf(t) + 1)].sort((a, b) => a - b)).toEqual(expected)
          // a record is too large only if it cannot fit alone
          for (const t of tooLarge) expect(Buffer.byteLength(t) + 2).toBeGreaterThan(compression === 'none' ? cap : 0)
        },
      ),
      { numRuns: 120 },
    )
  })
})
