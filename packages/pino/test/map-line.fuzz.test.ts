/**
 * Fuzzing the pino mapper through its public `mapLine`: any parsed line (hostile keys such as `__proto__`, any
 * `time`, `level`, message and error shapes), any configuration of keys. It must not throw, must produce columns
 * core can serialise, a readable `TimeGenerated`, and must not touch `Object.prototype`. A fixed seed and budget;
 * `pnpm fuzz` multiplies the runs (`FUZZ_SCALE`).
 */
import { createResourceCache, serializeRecord } from '@dcr-logs/core'
import fc from 'fast-check'
import { expect, it } from 'vitest'
import { buildSeverityTable, type LineMappingContext, mapLine } from '../src/index.ts'

const budget = (runs: number) => ({
  seed: Number(process.env['FUZZ_SEED'] ?? 14),
  numRuns: Math.max(1, Math.round(runs * Number(process.env['FUZZ_SCALE'] ?? 1))),
})

const levels = {
  labels: { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' },
  values: { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 },
}

const key = fc.oneof(
  fc.string(),
  fc.constantFrom('__proto__', 'constructor', 'time', 'level', 'msg', 'err', 'trace_id', 'span_id', 'event.name'),
)
const json = fc.jsonValue({ maxDepth: 3 })
const field = fc.oneof(
  json,
  fc.constantFrom(Number.MAX_SAFE_INTEGER, -1, 1e21, 8.64e15 + 1, '2025-13-45T99:99:99Z', 'not a time', '', null),
  fc.record({ type: fc.string(), message: fc.string(), stack: fc.string() }, { requiredKeys: [] }),
)
/** Lines as pino's worker gets them: JSON.parse of the text, so `__proto__` is an own key. */
const line = fc
  .array(fc.tuple(key, field), { maxLength: 10 })
  .map((entries) => JSON.parse(JSON.stringify(Object.fromEntries(entries)).replace('"x__proto__"', '"__proto__"')))
  .chain((l: Record<string, unknown>) =>
    fc.constantFrom(l, JSON.parse(`{"__proto__":{"polluted":1},${JSON.stringify(l).slice(1)}`.replace(',}', '}'))),
  )

const context = fc.record({
  messageKey: fc.constantFrom('msg', 'message', '__proto__', 'constructor'),
  errorKey: fc.constantFrom('err', 'error', '__proto__'),
  serviceName: fc.option(fc.string(), { nil: undefined }),
  resource: fc.option(fc.dictionary(key, json, { maxKeys: 3 }), { nil: undefined }),
  scopeName: fc.option(fc.string(), { nil: undefined }),
  scopeVersion: fc.option(fc.string(), { nil: undefined }),
})

it('fuzz: mapLine never throws and maps any line to serialisable columns with a readable time', () => {
  const severity = buildSeverityTable(levels)
  fc.assert(
    fc.property(line, context, fc.integer({ min: 0, max: 4_102_444_800_000 }), (l, c, observed) => {
      // the resource lookup as the transport builds it: the `resource` option plus the facts of each line
      const ctx: LineMappingContext = { ...c, resource: createResourceCache(c.resource), severity }
      const columns = mapLine(l, ctx, observed)
      expect(Number.isNaN(Date.parse(String(columns['TimeGenerated'])))).toBe(false)
      const r = serializeRecord(columns, { maxFieldBytes: 65_536, truncationMarker: '…' })
      expect(r.ok).toBe(true)
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
    }),
    budget(500),
  )
})
