import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BoundedBuffer, type Entry } from '../src/buffer.ts'

const entry = (seq: number, bytes = 10): Entry => ({ json: 'x'.repeat(bytes), bytes, seq })

describe('BoundedBuffer', () => {
  it('drop-oldest evicts from the head until the new record fits', () => {
    const b = new BoundedBuffer({ maxBytes: 30, maxRecords: 100, overflow: 'drop-oldest' })
    for (const s of [1, 2, 3]) expect(b.add(entry(s))).toEqual({ added: true, evicted: [] })
    const r = b.add(entry(4, 15))
    expect(r.added && r.evicted.map((e) => e.seq)).toEqual([1, 2])
    expect(b.drain().map((e) => e.seq)).toEqual([3, 4])
  })

  it('drop-newest and wait refuse when full', () => {
    for (const overflow of ['drop-newest', 'wait'] as const) {
      const b = new BoundedBuffer({ maxBytes: 1000, maxRecords: 2, overflow })
      b.add(entry(1))
      b.add(entry(2))
      expect(b.add(entry(3))).toEqual({ added: false })
      expect(b.hasRoom()).toBe(false)
      b.shift()
      expect(b.hasRoom()).toBe(true)
    }
  })

  it('counts reserved records (taken for packing) against the limits', () => {
    const b = new BoundedBuffer({ maxBytes: 1000, maxRecords: 2, overflow: 'drop-newest' })
    b.add(entry(1))
    b.reserve(b.shift()!.bytes, 1)
    b.add(entry(2))
    expect(b.add(entry(3))).toEqual({ added: false })
    b.release(10, 1)
    expect(b.add(entry(3)).added).toBe(true)
  })

  it('property: FIFO order, exact byte count and limits hold under any sequence of operations', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ op: fc.constant('add' as const), bytes: fc.integer({ min: 1, max: 50 }) }),
            fc.record({ op: fc.constant('shift' as const) }),
            fc.record({ op: fc.constant('unshift' as const) }),
          ),
        ),
        fc.constantFrom('drop-oldest' as const, 'drop-newest' as const),
        (ops, overflow) => {
          const b = new BoundedBuffer({ maxBytes: 200, maxRecords: 8, overflow })
          const model: Entry[] = []
          let seq = 0
          let last: Entry | undefined
          for (const o of ops) {
            if (o.op === 'add') {
              const e = entry(++seq, o.bytes)
              const r = b.add(e)
              if (r.added) {
                for (const ev of r.evicted) expect(model.shift()).toBe(ev)
                model.push(e)
              }
            } else if (o.op === 'shift') {
              last = b.shift()
              expect(last).toBe(model.shift())
            } else if (last !== undefined && b.hasRoom(last.bytes)) {
              b.unshift(last)
              model.unshift(last)
              last = undefined
            }
            expect(b.length).toBe(model.length)
            expect(b.bytes).toBe(model.reduce((n, e) => n + e.bytes, 0))
            expect(b.length).toBeLessThanOrEqual(8)
            expect(b.bytes).toBeLessThanOrEqual(200)
          }
        },
      ),
    )
  })
})
