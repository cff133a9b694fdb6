import { describe, expect, it } from 'vitest'
import { safeJsonStringify } from '../../src/index.ts'

describe('safeJsonStringify', () => {
  it('returns strings as they are and plain data as JSON', () => {
    expect(safeJsonStringify('plain text')).toBe('plain text')
    expect(safeJsonStringify({ a: [1, { b: null }] })).toBe('{"a":[1,{"b":null}]}')
    expect(safeJsonStringify(42)).toBe('42')
    expect(safeJsonStringify(undefined)).toBe('')
  })

  it('marks cycles, but not the same object reached twice side by side', () => {
    const shared = { x: 1 }
    const looped: Record<string, unknown> = { name: 'loop', shared, again: shared }
    looped['self'] = looped
    expect(JSON.parse(safeJsonStringify(looped))).toEqual({
      name: 'loop',
      shared: { x: 1 },
      again: { x: 1 },
      self: '[Circular]',
    })
  })

  it('writes bigints as text, bytes as base64 and Errors with their message, stack, fields and cause', () => {
    const error = Object.assign(new TypeError('bad', { cause: new Error('root') }), { code: 'E_BAD' })
    const parsed = JSON.parse(
      safeJsonStringify({ n: 12n, bytes: Buffer.from('hi'), u8: new Uint8Array([1, 2]), error }),
    )
    expect(parsed).toMatchObject({
      n: '12',
      bytes: 'aGk=',
      u8: 'AQI=',
      error: { name: 'TypeError', message: 'bad', code: 'E_BAD', cause: { name: 'Error', message: 'root' } },
    })
    expect(parsed.error.stack).toMatch(/^TypeError: bad/)
  })

  it('marks an Error that causes itself instead of recursing', () => {
    const error = new Error('ouroboros')
    ;(error as { cause?: unknown }).cause = error
    expect(JSON.parse(safeJsonStringify(error))).toMatchObject({ message: 'ouroboros', cause: '[Circular]' })
  })

  it('never throws: a throwing getter or toJSON leaves a marker', () => {
    const hostile = {
      get boom() {
        throw new Error('getter failed')
      },
    }
    expect(safeJsonStringify(hostile)).toBe('[unserializable: getter failed]')
    expect(
      safeJsonStringify({
        toJSON: () => {
          throw new Error('nope')
        },
      }),
    ).toBe('[unserializable: nope]')
  })
})
