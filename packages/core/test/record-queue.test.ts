import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { RecordQueue } from '../src/record-queue.ts'

const x = (n: number) => 'x'.repeat(n)
const ANY = { chars: Number.POSITIVE_INFINITY, records: Number.POSITIVE_INFINITY, timeSpanMs: 0 }

describe('RecordQueue', () => {
  it('drop-oldest evicts from the head until the new record fits', () => {
    const q = new RecordQueue({ maxChars: 30, maxRecords: 100, overflow: 'drop-oldest' }, false)
    for (const c of ['a', 'b', 'c'])
      expect(q.add(c.repeat(10), Number.NaN)).toEqual({ added: true, evicted: undefined })
    const r = q.add(x(15), Number.NaN)
    expect(r.added && r.evicted).toMatchObject({ jsons: [x(0).padEnd(10, 'a'), 'b'.repeat(10)], firstSeq: 1 })
    expect(q.headSeq).toBe(3)
    expect(q.drain()).toMatchObject({ jsons: ['c'.repeat(10), x(15)], firstSeq: 3, chars: 25 })
  })

  it('drop-newest and wait refuse when full', () => {
    for (const overflow of ['drop-newest', 'wait'] as const) {
      const q = new RecordQueue({ maxChars: 1000, maxRecords: 2, overflow }, false)
      q.add(x(1), Number.NaN)
      q.add(x(1), Number.NaN)
      expect(q.add(x(1), Number.NaN)).toEqual({ added: false })
      expect(q.hasRoom()).toBe(false)
      q.take({ ...ANY, records: 1 })
      expect(q.hasRoom()).toBe(true)
    }
  })

  it('drop-newest and wait take a record while any room is left, so a push after waitForSpace() gets in', () => {
    const q = new RecordQueue({ maxChars: 100, maxRecords: 100, overflow: 'wait' }, false)
    q.add(x(90), Number.NaN)
    expect(q.hasRoom()).toBe(true)
    expect(q.add(x(30), Number.NaN)).toEqual({ added: true, evicted: undefined })
    expect(q.chars).toBe(120)
    expect(q.hasRoom()).toBe(false)
    expect(q.add(x(1), Number.NaN)).toEqual({ added: false })
  })

  it('counts reserved records (taken for packing) against the limits; they cannot be evicted', () => {
    const q = new RecordQueue({ maxChars: 1000, maxRecords: 2, overflow: 'drop-oldest' }, false)
    q.add(x(10), Number.NaN)
    const taken = q.take(ANY)
    q.reserve(taken.chars, taken.jsons.length)
    q.add(x(10), Number.NaN)
    const r = q.add(x(10), Number.NaN)
    expect(r.added && r.evicted?.jsons).toEqual([x(10)])
    q.release(10, 1)
    expect(q.hasRoom()).toBe(true)
  })

  it('drop-oldest takes the newest record even when only reserved records are left to make room', () => {
    const q = new RecordQueue({ maxChars: 100, maxRecords: 100, overflow: 'drop-oldest' }, false)
    q.reserve(150, 10) // bodies being filled downstream
    expect(q.add(x(10), Number.NaN)).toEqual({ added: true, evicted: undefined })
    const r = q.add(x(10), Number.NaN)
    expect(r.added && r.evicted?.jsons).toEqual([x(10)])
  })

  it('take() stops at the size, the record count, the time span and the seq given', () => {
    const q = new RecordQueue({ maxChars: 10_000, maxRecords: 100, overflow: 'drop-newest' }, true)
    for (let i = 0; i < 10; i++) q.add(x(10), i * 60_000)
    expect(q.take({ chars: 31, records: 100, timeSpanMs: 0 }).jsons).toHaveLength(2) // 10 + 1 + 10 + 1 + 10 > 31
    expect(q.take({ chars: 1000, records: 3, timeSpanMs: 0 }).firstSeq).toBe(3)
    const span = q.take({ chars: 1000, records: 100, timeSpanMs: 2 * 60_000 })
    expect(span).toMatchObject({ firstSeq: 6, times: [300_000, 360_000, 420_000] })
    expect(q.take(ANY, 8).jsons).toHaveLength(0) // seq 9 is the head now
    expect(q.take(ANY, 9).jsons).toHaveLength(1)
    // a record larger than the size limit is still taken alone
    q.add(x(500), Number.NaN)
    expect(q.take({ chars: 5, records: 100, timeSpanMs: 0 }).jsons).toHaveLength(1)
  })

  it('property: FIFO order, exact counts and limits hold under any sequence of operations', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ op: fc.constant('add' as const), chars: fc.integer({ min: 1, max: 50 }) }),
            fc.record({ op: fc.constant('take' as const), chars: fc.integer({ min: 1, max: 120 }) }),
          ),
        ),
        fc.constantFrom('drop-oldest' as const, 'drop-newest' as const),
        (ops, overflow) => {
          const q = new RecordQueue({ maxChars: 200, maxRecords: 8, overflow }, false)
          const model: string[] = []
          let n = 0
          for (const o of ops) {
            if (o.op === 'add') {
              const json = String(n++).padEnd(o.chars, '.')
              const r = q.add(json, Number.NaN)
              if (r.added) {
                for (const ev of r.evicted?.jsons ?? []) expect(model.shift()).toBe(ev)
                model.push(json)
              }
            } else {
              const t = q.take({ chars: o.chars, records: 100, timeSpanMs: 0 })
              expect(t.jsons).toEqual(model.splice(0, t.jsons.length))
              expect(t.chars).toBe(t.jsons.reduce((c, j) => c + j.length, 0))
            }
            expect(q.length).toBe(model.length)
            expect(q.chars).toBe(model.reduce((c, j) => c + j.length, 0))
            expect(q.length).toBeLessThanOrEqual(8)
            // drop-newest takes a record while there is any room: the bound is exceeded by at most one record
            expect(q.chars).toBeLessThanOrEqual(overflow === 'drop-newest' ? 250 : 200)
          }
        },
      ),
    )
  })
})
