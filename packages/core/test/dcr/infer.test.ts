import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createConformer, inferColumns, isValidColumnName, joinTypes, STREAM_COLUMN_TYPES } from '../../src/index.ts'

describe('inferColumns', () => {
  it('types each top-level field from its values: ISO text datetime, objects dynamic, whole numbers long', () => {
    const result = inferColumns([
      { time: '2026-01-15T10:00:00Z', level: 'info', status: 200, ms: 12, ok: true, req: { id: 'r1' }, tags: ['a'] },
      { time: '2026-01-15T10:00:01.5+02:00', level: 'warn', status: 503, ms: 12.5, ok: false, req: null },
    ])
    expect(result.columns).toEqual([
      { name: 'time', type: 'datetime' },
      { name: 'level', type: 'string' },
      { name: 'status', type: 'long' },
      { name: 'ms', type: 'real' },
      { name: 'ok', type: 'boolean' },
      { name: 'req', type: 'dynamic' },
      { name: 'tags', type: 'dynamic' },
    ])
    expect(result).toMatchObject({ records: 2, skipped: 0, timeColumn: 'time' })
    expect(result.fields.find((f) => f.field === 'ms')?.note).toBe(
      'mixed values (long, real): declared as real, which holds them all',
    )
  })

  it('settles mixed values on a type that holds them all, and says so', () => {
    const { columns, fields } = inferColumns([
      { code: 42, at: '2026-01-15T10:00:00Z', val: null },
      { code: 'x-1', at: 'soon', val: null },
    ])
    expect(columns).toEqual([
      { name: 'code', type: 'string' },
      { name: 'at', type: 'string' },
      { name: 'val', type: 'string' },
    ])
    expect(fields.map((f) => f.note)).toEqual([
      'mixed values (long, string): declared as string, which holds them all',
      'mixed values (datetime, string): declared as string, which holds them all',
      'only null values in the samples: declared as string',
    ])
  })

  it('leaves out fields whose names cannot be columns, saying how to rename them', () => {
    const { columns, fields, timeColumn } = inferColumns([
      { '@timestamp': '2026-01-15T10:00:00Z', 'req.id': 'r', Type: 'x', msg: 'm' },
    ])
    expect(columns).toEqual([{ name: 'msg', type: 'string' }])
    expect(timeColumn).toBeUndefined()
    expect(fields.filter((f) => f.column === undefined).map((f) => f.note)).toEqual([
      "not a column: '@timestamp' must start with a letter (A-Z or a-z); rename the field where it is logged, e.g. to 'timestamp'",
      "not a column: 'req.id' may hold only ASCII letters, digits and _ (no spaces, dots, dashes or accents); rename the field where it is logged, e.g. to 'req_id'",
      "not a column: 'Type' is a name the service reserves; rename the field where it is logged, e.g. to 'Type_'",
    ])
  })

  it('puts TimeGenerated first and prefers it as the time column; skips samples that are not objects', () => {
    const result = inferColumns([
      { msg: 'm', TimeGenerated: '2026-01-15T10:00:00Z', time: '2026-01-15T10:00:00Z' },
      'text',
      [1],
      null,
    ])
    expect(result.columns.map((c) => c.name)).toEqual(['TimeGenerated', 'msg', 'time'])
    expect(result).toMatchObject({ timeColumn: 'TimeGenerated', records: 1, skipped: 3 })
  })

  it('property: joinTypes is commutative and dynamic absorbs everything', () => {
    const type = fc.constantFrom(...STREAM_COLUMN_TYPES)
    fc.assert(
      fc.property(type, type, (a, b) => {
        expect(joinTypes(a, b)).toBe(joinTypes(b, a))
        expect(joinTypes(a, 'dynamic')).toBe('dynamic')
        expect(joinTypes(a, a)).toBe(a)
      }),
    )
  })

  it('property: every sample fits the inferred columns (nothing dropped, nothing unknown but unusable names)', () => {
    const sample = fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), {
      maxKeys: 6,
    })
    fc.assert(
      fc.property(fc.array(sample, { minLength: 1, maxLength: 8 }), (samples) => {
        const { columns } = inferColumns(samples)
        const conform = createConformer({ columns })
        for (const s of samples) {
          const result = conform(s)
          expect(result.dropped).toEqual([])
          for (const u of result.unknownFields) expect(isValidColumnName(u.field)).toBe(false)
        }
      }),
    )
  })
})
