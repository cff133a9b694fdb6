import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type ColumnDefinition, createConformer, DEFAULT_COLUMNS, STREAM_COLUMN_TYPES } from '../../src/index.ts'

const columns: ColumnDefinition[] = [
  { name: 'TimeGenerated', type: 'datetime' },
  { name: 'Body', type: 'string' },
  { name: 'Status', type: 'int' },
  { name: 'Bytes', type: 'long' },
  { name: 'Ratio', type: 'real' },
  { name: 'Ok', type: 'boolean' },
  { name: 'Tenant', type: 'string' },
  { name: 'Attributes', type: 'dynamic' },
]
const conform = createConformer({ columns })

describe('createConformer', () => {
  it('returns a conforming record itself, with nothing to report', () => {
    const record = {
      TimeGenerated: '2026-01-15T10:00:00.000Z',
      Body: 'ok',
      Status: 200,
      Bytes: 2 ** 40,
      Ratio: 0.5,
      Ok: true,
      Attributes: { a: [1] },
      Tenant: null,
    }
    const result = conform(record)
    expect(result.record).toBe(record)
    expect(result).toMatchObject({ unknownFields: [], converted: [], dropped: [] })
    expect(conform({ TimeGenerated: new Date(0) }).record).toEqual({ TimeGenerated: new Date(0) })
  })

  it('converts values the service would otherwise lose, and says what it changed', () => {
    const result = conform({
      TimeGenerated: 1_768_471_200_000,
      Body: { text: 'hi' },
      Status: '404',
      Bytes: 12.9,
      Ratio: '0.25',
      Ok: 'TRUE',
    })
    expect(result.record).toEqual({
      TimeGenerated: '2026-01-15T10:00:00.000Z',
      Body: '{"text":"hi"}',
      Status: 404,
      Bytes: 12,
      Ratio: 0.25,
      Ok: true,
    })
    expect(result.converted.map((c) => `${c.column}: ${JSON.stringify(c.from)} → ${JSON.stringify(c.to)}`)).toEqual([
      'TimeGenerated: 1768471200000 → "2026-01-15T10:00:00.000Z"',
      'Body: {"text":"hi"} → "{\\"text\\":\\"hi\\"}"',
      'Status: "404" → 404',
      'Bytes: 12.9 → 12',
      'Ratio: "0.25" → 0.25',
      'Ok: "TRUE" → true',
    ])
    expect(result.dropped).toEqual([])
  })

  it('drops values no conversion fits, with the reason, and keeps the rest of the record', () => {
    const result = conform({
      Body: 'kept',
      Status: 'not found',
      Bytes: 2 ** 64,
      Ratio: Number.NaN,
      Ok: 'yes',
      TimeGenerated: 'yesterday',
    })
    expect(result.record).toEqual({ Body: 'kept' })
    expect(result.dropped.map((d) => `${d.column} (${d.type}): ${d.reason}`)).toEqual([
      'Status (int): not a number',
      'Bytes (long): outside the long range',
      'Ratio (real): not a finite number (JSON has no NaN or Infinity)',
      'Ok (boolean): not true or false',
      'TimeGenerated (datetime): not a date-time (use ISO 8601 text)',
    ])
    expect(conform({ Status: 3_000_000_000 }).dropped[0]?.reason).toBe(
      'outside the int range (declare the column long)',
    )
  })

  it('lists undeclared fields with the declared column they probably meant', () => {
    const result = conform({ Body: 'x', tenant: 't-1', Stauts: 1, requestId: 'r' })
    expect(result.record).toEqual({ Body: 'x' })
    expect(result.unknownFields).toEqual([
      { field: 'tenant', suggestion: 'Tenant' },
      { field: 'Stauts', suggestion: 'Status' },
      { field: 'requestId', suggestion: undefined },
    ])
  })

  it('checks the default schema: a record of the default shape passes unchanged', () => {
    const conformDefault = createConformer({ columns: DEFAULT_COLUMNS })
    const record = {
      TimeGenerated: new Date(),
      SeverityText: 'info',
      SeverityNumber: 9,
      Body: 'b',
      Attributes: { k: 1 },
      TraceFlags: 1,
    }
    expect(conformDefault(record).record).toBe(record)
  })

  it('property: every field is kept, converted, dropped or reported unknown, and the output conforms', () => {
    const declared = fc.uniqueArray(
      fc.record({ name: fc.stringMatching(/^[A-Z][a-z]{1,6}$/), type: fc.constantFrom(...STREAM_COLUMN_TYPES) }),
      { selector: (c) => c.name, minLength: 1, maxLength: 8 },
    )
    fc.assert(
      fc.property(declared, fc.dictionary(fc.stringMatching(/^[A-Za-z]{1,7}$/), fc.jsonValue()), (cols, record) => {
        const check = createConformer({ columns: cols })
        const result = check(record)
        const names = new Set(cols.map((c) => c.name))
        const accounted = new Set([
          ...Object.keys(result.record),
          ...result.dropped.map((d) => d.column),
          ...result.unknownFields.map((u) => u.field),
        ])
        for (const key of Object.keys(record)) expect(accounted.has(key)).toBe(true)
        for (const key of Object.keys(result.record)) expect(names.has(key)).toBe(true)
        // idempotent: what comes out conforms
        const again = check(result.record)
        expect(again.record).toBe(result.record)
        expect(again.converted).toEqual([])
      }),
    )
  })
})
