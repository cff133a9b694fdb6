import { describe, expect, it } from 'vitest'
import { createColumnMapper } from '../src/index.ts'

describe('createColumnMapper', () => {
  it('maps dot paths, defaults and types', () => {
    const map = createColumnMapper({
      TimeGenerated: { path: 'time', type: 'datetime' },
      Body: 'msg',
      SeverityNumber: { path: 'level', type: 'severityNumber' },
      TraceId: { path: ['trace_id', 'ctx.traceId'] },
      ScopeName: { default: 'pino' },
      TraceFlags: { path: 'flags', type: 'int' },
    })
    expect(map({ time: 0, msg: 'hi', level: 'warn', ctx: { traceId: 'abc' }, flags: '1.7' })).toEqual({
      TimeGenerated: '1970-01-01T00:00:00.000Z',
      Body: 'hi',
      SeverityNumber: 13,
      TraceId: 'abc',
      ScopeName: 'pino',
      TraceFlags: 1,
    })
  })

  it('leaves out columns without a value and prefers flat keys with dots', () => {
    const map = createColumnMapper({ ServiceName: 'service.name', Body: 'msg' })
    expect(map({ 'service.name': 'flat', service: { name: 'nested' } })).toEqual({ ServiceName: 'flat' })
    expect(map({ service: { name: 'nested' } })).toEqual({ ServiceName: 'nested' })
  })

  it('collects unmapped top-level fields into a rest column', () => {
    const map = createColumnMapper(
      { Body: 'msg', HostName: 'hostname' },
      { restColumn: 'Attributes', restExclude: ['v'] },
    )
    expect(map({ msg: 'm', hostname: 'h', v: 1, userId: 7, req: { id: 1 } })).toEqual({
      Body: 'm',
      HostName: 'h',
      Attributes: { userId: 7, req: { id: 1 } },
    })
  })

  it('is structured-clone safe: the spec survives a round trip and maps the same', () => {
    const spec = { Body: 'msg', SeverityText: { path: 'lvl', type: 'string' as const, default: 'info' } }
    const a = createColumnMapper(spec)
    const b = createColumnMapper(structuredClone(spec))
    expect(b({ msg: 'x', lvl: 30 })).toEqual(a({ msg: 'x', lvl: 30 }))
    expect(b({ msg: 'x' })).toEqual({ Body: 'x', SeverityText: 'info' })
  })

  it('rejects an invalid spec at creation, naming the column', () => {
    expect(() => createColumnMapper({ Body: { path: '' } })).toThrow(/column "Body" has an invalid path/)
    expect(() => createColumnMapper({ Body: { type: 'text' as never, path: 'm' } })).toThrow(/unknown type "text"/)
    expect(() => createColumnMapper({ Body: {} })).toThrow(/needs a path or a default/)
  })
})

describe('string columns of objects', () => {
  it('are the safe JSON text every adapter writes: cycles marked, bigints as text, Errors with their message', () => {
    const looped: Record<string, unknown> = { a: 1n }
    looped['self'] = looped
    const map = createColumnMapper({
      Detail: { path: 'detail', type: 'string' },
      Failure: { path: 'err', type: 'string' },
    })
    expect(map({ detail: looped, err: new Error('boom') })).toEqual({
      Detail: '{"a":"1","self":"[Circular]"}',
      Failure: expect.stringMatching(/^\{"name":"Error","message":"boom","stack":/),
    })
  })
})
