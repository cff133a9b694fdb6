/**
 * The streaming pipeline under parallel compression: bodies under the cap as sent, every record once, in order,
 * and the oldest pieces evicted first when the buffer overflows.
 */
import { randomBytes } from 'node:crypto'
import { gunzipSync } from 'node:zlib'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createLogsIngestionClient, type DropEvent, type IngestionTransport, type SendOutcome } from '../src/index.ts'

const ok: SendOutcome = { kind: 'response', status: 204, headers: {}, body: '' }

const recording = (answer: () => SendOutcome | Promise<SendOutcome> = () => ok) => {
  const bodies: { bytes: number; records: { i: number }[] }[] = []
  const transport: IngestionTransport = {
    async send(req) {
      const raw = req.headers['content-encoding'] === 'gzip' ? gunzipSync(req.body) : req.body
      bodies.push({ bytes: req.body.length, records: JSON.parse(raw.toString('utf8')) })
      return answer()
    },
    close() {},
  }
  return { transport, bodies }
}

const base = {
  endpoint: 'https://my-dcr-a1b2.eastus-1.ingest.monitor.azure.com',
  ruleId: 'dcr-00000000000000000000000000000000',
  credential: { getToken: async () => ({ token: 't', expiresOnTimestamp: Date.now() + 3_600_000 }) },
}

describe('pipeline', () => {
  it('property: under parallel compression every body stays under the cap as sent; every record arrives once, in order', async () => {
    const body = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.nat(3_000).map((n) => randomBytes(n).toString('base64')),
      fc.nat(4_000).map((n) => 'repeat '.repeat(n)),
    )
    await fc.assert(
      fc.asyncProperty(
        fc.array(body, { minLength: 1, maxLength: 400 }),
        fc.integer({ min: 2_048, max: 65_536 }),
        fc.constantFrom<'gzip' | 'none'>('gzip', 'none'),
        fc.integer({ min: 1, max: 9 }),
        async (texts, cap, compression, compressionLevel) => {
          const { transport, bodies } = recording()
          const drops: DropEvent[] = []
          const client = createLogsIngestionClient(
            { ...base, maxRequestBytes: cap, compression, compressionLevel, onDrop: (e) => drops.push(e) },
            { transport },
          )
          for (const [i, t] of texts.entries()) client.push({ i, Body: t })
          const flushed = await client.flush()
          await client.close()
          expect(flushed.settled).toBe(true)
          for (const b of bodies) expect(b.bytes).toBeLessThanOrEqual(cap)
          const delivered = bodies.flatMap((b) => b.records.map((r) => r.i))
          const dropped = drops.flatMap((d) => d.records.map((r) => (JSON.parse(r) as { i: number }).i))
          expect(drops.every((d) => d.reason === 'record-too-large')).toBe(true)
          expect(delivered).toEqual([...delivered].sort((a, b) => a - b))
          expect([...delivered, ...dropped].sort((a, b) => a - b)).toEqual(texts.map((_, i) => i))
        },
      ),
      { numRuns: 60 },
    )
  })

  it('fills full bodies to at least 90% of the cap while pieces compress in parallel', async () => {
    const { transport, bodies } = recording()
    const client = createLogsIngestionClient({ ...base, lingerMs: 60_000, maxRequestBytes: 131_072 }, { transport })
    const word = () => randomBytes(6).toString('hex')
    for (let i = 0; i < 40_000; i++) {
      client.push({
        TimeGenerated: new Date(1_700_000_000_000 + i).toISOString(),
        Body: `request ${word()} took ${i % 997} ms`,
        i,
      })
    }
    await client.flush()
    await client.close()
    expect(bodies.length).toBeGreaterThan(2)
    // every body but the last (sealed by flush) was full
    for (const b of bodies.slice(0, -1)) expect(b.bytes / 131_072).toBeGreaterThanOrEqual(0.9)
    expect(client.stats().averageFill).toBeGreaterThanOrEqual(0.9)
    expect(bodies.reduce((n, b) => n + b.records.length, 0)).toBe(40_000)
  })

  it('drop-oldest evicts cut pieces (the oldest records) before anything queued after them', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const { transport, bodies } = recording(async () => {
      await gate
      return ok
    })
    const drops: DropEvent[] = []
    // pieces are about 256 characters here; the buffer holds a few of them
    const client = createLogsIngestionClient(
      { ...base, maxRequestBytes: 8_192, maxBufferBytes: 4_096, concurrency: 1, onDrop: (e) => drops.push(e) },
      { transport },
    )
    for (let i = 0; i < 400; i++) {
      client.push({ i, Body: `line ${i}`.padEnd(40, '.') })
      if (i % 20 === 0) await new Promise((r) => setImmediate(r))
    }
    release()
    await client.flush()
    await client.close()
    const dropped = drops.flatMap((d) => d.records.map((r) => (JSON.parse(r) as { i: number }).i))
    const delivered = bodies.flatMap((b) => b.records.map((r) => r.i))
    expect(drops.every((d) => d.reason === 'buffer-full')).toBe(true)
    expect(dropped.length).toBeGreaterThan(0)
    expect([...delivered, ...dropped].sort((a, b) => a - b)).toEqual(Array.from({ length: 400 }, (_, i) => i))
    // the first body was already in flight; everything delivered after it is newer than everything evicted
    const later = bodies.slice(1).flatMap((b) => b.records.map((r) => r.i))
    expect(Math.max(...dropped)).toBeLessThan(Math.min(...later))
    expect(client.stats().records).toMatchObject({ delivered: delivered.length, dropped: dropped.length })
  })
})
