import { describe, expect, it } from 'vitest'
import { exceptionColumns } from '../src/index.ts'

describe('exceptionColumns', () => {
  it('reads type, message and stack of an Error', () => {
    const error = new TypeError('bad input')
    const cols = exceptionColumns(error)
    expect(cols.ExceptionType).toBe('TypeError')
    expect(cols.ExceptionMessage).toBe('bad input')
    expect(cols.ExceptionStacktrace).toContain('TypeError: bad input')
    expect(cols.ExceptionStacktrace).toContain('exception.test.ts')
  })

  it('appends the cause chain', () => {
    const root = new RangeError('disk full')
    const error = new Error('write failed', { cause: new Error('flush failed', { cause: root }) })
    const trace = exceptionColumns(error).ExceptionStacktrace!
    expect(trace).toMatch(
      /Error: write failed[\s\S]*Caused by: Error: flush failed[\s\S]*Caused by: RangeError: disk full/,
    )
  })

  it('lists the errors of an AggregateError', () => {
    const error = new AggregateError([new Error('a'), new SyntaxError('b')], 'two failures')
    const cols = exceptionColumns(error)
    expect(cols.ExceptionType).toBe('AggregateError')
    expect(cols.ExceptionMessage).toBe('two failures')
    expect(cols.ExceptionStacktrace).toMatch(/\[errors\[0\]\] Error: a[\s\S]*\[errors\[1\]\] SyntaxError: b/)
  })

  it("accepts pino's serialised error", () => {
    const cols = exceptionColumns({
      type: 'ValidationError',
      message: 'name is required',
      stack: 'ValidationError: name is required\n    at x',
    })
    expect(cols).toEqual({
      ExceptionType: 'ValidationError',
      ExceptionMessage: 'name is required',
      ExceptionStacktrace: 'ValidationError: name is required\n    at x',
    })
  })

  it('survives cycles and hostile objects', () => {
    const a = new Error('a') as Error & { cause?: unknown }
    const b = new Error('b', { cause: a })
    a.cause = b
    expect(exceptionColumns(a).ExceptionStacktrace).toContain('Caused by: Error: b')
    const hostile = new Proxy(new Error('x'), {
      get: () => {
        throw new Error('no')
      },
    })
    expect(exceptionColumns(hostile)).toEqual({})
  })

  it('returns {} for non-errors and keeps a thrown string as the message', () => {
    expect(exceptionColumns(undefined)).toEqual({})
    expect(exceptionColumns({ foo: 1 })).toEqual({})
    expect(exceptionColumns('boom')).toEqual({ ExceptionMessage: 'boom' })
  })
})
