/**
 * Fuzzing the OpenTelemetry mapper through its public `mapLogRecord`: any body (binary, nested, cyclic-free
 * JSON, huge), any attributes (hostile keys), any hrTime (NaN, negative, beyond year 9999), any severity and
 * span context. It must not throw and must produce columns core can serialise with a readable `TimeGenerated`.
 * A fixed seed and budget; `pnpm fuzz` multiplies the runs (`FUZZ_SCALE`).
 */
import { serializeRecord } from '@dcr-logs/core'
import fc from 'fast-check'
import { expect, it } from 'vitest'
import { mapLogRecord, type ReadableLogRecordLike } from '../src/index.ts'

const budget = (runs: number) => ({
  seed: Number(process.env['FUZZ_SEED'] ?? 14),
  numRuns: Math.max(1, Math.round(runs * Number(process.env['FUZZ_SCALE'] ?? 1))),
})

const key = fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'exception.type', 'event.name'))
const value = fc.oneof(
  fc.anything({ maxDepth: 2, withBigInt: true, withDate: true, withTypedArray: true, withMap: true }),
  fc.uint8Array({ maxLength: 64 }),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, '\ud800', 'x'.repeat(100_000)),
)
const number = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(Number.NaN, -1, 1e20, 253402300800))
const hrTime = fc.tuple(number, number) as fc.Arbitrary<readonly [number, number]>
const attributes = fc.dictionary(key, value, { maxKeys: 6 }).map((a) => {
  const hostile = JSON.parse('{"__proto__":{"polluted":1}}') as Record<string, unknown>
  return { ...a, ...hostile }
})

const record: fc.Arbitrary<ReadableLogRecordLike> = fc.record({
  hrTime,
  hrTimeObserved: hrTime,
  severityText: fc.option(fc.string(), { nil: undefined }),
  severityNumber: fc.option(number, { nil: undefined }),
  body: value,
  eventName: fc.option(fc.string(), { nil: undefined }),
  spanContext: fc.option(fc.record({ traceId: fc.string(), spanId: fc.string(), traceFlags: number }), {
    nil: undefined,
  }),
  resource: fc.record({ attributes }),
  instrumentationScope: fc.record({ name: fc.string(), version: fc.option(fc.string(), { nil: undefined }) }),
  attributes,
})

it('fuzz: mapLogRecord never throws and maps any record to serialisable columns with a readable time', () => {
  fc.assert(
    fc.property(record, (r) => {
      const columns = mapLogRecord(r, { now: () => 1_700_000_000_000 })
      expect(Number.isNaN(Date.parse(String(columns['TimeGenerated'])))).toBe(false)
      const out = serializeRecord(columns, { maxFieldBytes: 65_536, truncationMarker: '…' })
      expect(out.ok).toBe(true)
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
    }),
    budget(500),
  )
})
