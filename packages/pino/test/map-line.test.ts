import { createResourceCache } from '@dcr-logs/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type LineMappingContext, mapLine } from '../src/map-line.ts'
import { buildSeverityTable, DEFAULT_PINO_LEVELS } from '../src/severity.ts'

const OBSERVED = Date.UTC(2025, 0, 2, 3, 4, 5, 678)
const OBSERVED_ISO = '2025-01-02T03:04:05.678Z'

const context = (overrides: Partial<LineMappingContext> = {}): LineMappingContext => ({
  messageKey: 'msg',
  errorKey: 'err',
  severity: buildSeverityTable(DEFAULT_PINO_LEVELS),
  serviceName: undefined,
  resource: createResourceCache(undefined),
  scopeName: 'pino',
  scopeVersion: undefined,
  ...overrides,
})

describe('mapLine', () => {
  it('maps a default pino line to the default schema', () => {
    const line = { level: 30, time: 1735787045678, pid: 42, hostname: 'web-1', name: 'api', msg: 'hello', reqId: 7 }
    expect(mapLine(line, context(), OBSERVED)).toEqual({
      TimeGenerated: '2025-01-02T03:04:05.678Z',
      ObservedTimestamp: OBSERVED_ISO,
      SeverityText: 'info',
      SeverityNumber: 9,
      Body: 'hello',
      HostName: 'web-1',
      ServiceName: 'api',
      // service.name and host.name have their columns: by default Resource does not repeat them
      Resource: { 'process.pid': 42 },
      ScopeName: 'pino',
      Attributes: { reqId: 7 },
    })
  })

  it('puts child bindings and nested objects in Attributes as they are', () => {
    const line = { level: 40, time: 1, module: 'db', req: { id: 'r1', headers: { a: 'b' } }, msg: 'slow' }
    const columns = mapLine(line, context(), OBSERVED)
    expect(columns['Attributes']).toEqual({ module: 'db', req: { id: 'r1', headers: { a: 'b' } } })
    expect(columns['SeverityText']).toBe('warn')
  })

  it('uses the configured messageKey and errorKey', () => {
    const line = {
      level: 50,
      message: 'failed',
      msg: 'not the message',
      error: { type: 'TypeError', message: 'bad', stack: 'TypeError: bad\n    at x' },
    }
    const columns = mapLine(line, context({ messageKey: 'message', errorKey: 'error' }), OBSERVED)
    expect(columns).toMatchObject({
      Body: 'failed',
      ExceptionType: 'TypeError',
      ExceptionMessage: 'bad',
      ExceptionStacktrace: 'TypeError: bad\n    at x',
      Attributes: { msg: 'not the message' },
    })
  })

  it('maps pino serialised errors to the exception columns and keeps their extra fields', () => {
    const line = { level: 50, msg: 'boom', err: { type: 'Error', message: 'boom', stack: 'Error: boom', code: 'E42' } }
    const columns = mapLine(line, context(), OBSERVED)
    expect(columns).toMatchObject({
      ExceptionType: 'Error',
      ExceptionMessage: 'boom',
      ExceptionStacktrace: 'Error: boom',
    })
    expect(columns['Attributes']).toEqual({ err: { code: 'E42' } })
  })

  it('keeps a non-object err in Attributes', () => {
    const columns = mapLine({ level: 30, err: 'just text' }, context(), OBSERVED)
    expect(columns['ExceptionMessage']).toBeUndefined()
    expect(columns['Attributes']).toEqual({ err: 'just text' })
  })

  it('prefers a configured serviceName and then keeps the logger name as an attribute', () => {
    const columns = mapLine({ level: 30, name: 'child-logger' }, context({ serviceName: 'checkout' }), OBSERVED)
    expect(columns['ServiceName']).toBe('checkout')
    expect(columns['Attributes']).toEqual({ name: 'child-logger' })
    expect(columns['Resource']).toBeUndefined()
  })

  it('merges the configured resource under the line’s own resource fields', () => {
    const columns = mapLine(
      { level: 30, pid: 1, hostname: 'h' },
      context({ resource: createResourceCache({ 'deployment.environment': 'prod', 'host.name': 'ignored' }) }),
      OBSERVED,
    )
    expect(columns['Resource']).toEqual({ 'deployment.environment': 'prod', 'host.name': 'ignored', 'process.pid': 1 })
    // with every fact selected, the line's own facts win over the option
    const all = mapLine(
      { level: 30, pid: 1, hostname: 'h' },
      context({ resource: createResourceCache({ 'host.name': 'ignored' }, 'all') }),
      OBSERVED,
    )
    expect(all['Resource']).toEqual({ 'host.name': 'h', 'process.pid': 1 })
  })

  it('maps OpenTelemetry trace context fields to their columns', () => {
    const line = {
      level: 30,
      trace_id: '0af7651916cd43dd8448eb211c80319c',
      span_id: 'b7ad6b7169203331',
      trace_flags: '01',
      'event.name': 'checkout.done',
    }
    const columns = mapLine(line, context(), OBSERVED)
    expect(columns).toMatchObject({
      TraceId: '0af7651916cd43dd8448eb211c80319c',
      SpanId: 'b7ad6b7169203331',
      TraceFlags: 1,
      EventName: 'checkout.done',
    })
    expect(columns['Attributes']).toBeUndefined()
  })

  it('names custom levels and ranks them as @opentelemetry/instrumentation-pino does (35 → INFO3)', () => {
    const severity = buildSeverityTable({
      labels: { ...DEFAULT_PINO_LEVELS.labels, 35: 'notice' },
      values: { ...DEFAULT_PINO_LEVELS.values, notice: 35 },
    })
    expect(mapLine({ level: 35, msg: 'n' }, context({ severity }), OBSERVED)).toMatchObject({
      SeverityText: 'notice',
      SeverityNumber: 11,
    })
  })

  it('uses the observed time when time is absent, and keeps an unreadable time as an attribute', () => {
    expect(mapLine({ level: 30 }, context(), OBSERVED)['TimeGenerated']).toBe(OBSERVED_ISO)
    const columns = mapLine({ level: 30, time: 'yesterday-ish' }, context(), OBSERVED)
    expect(columns['TimeGenerated']).toBe(OBSERVED_ISO)
    expect(columns['Attributes']).toEqual({ time: 'yesterday-ish' })
  })

  it('stringifies a non-string message', () => {
    expect(mapLine({ level: 30, msg: { a: 1 } }, context(), OBSERVED)['Body']).toBe('{"a":1}')
    expect(mapLine({ level: 30, msg: 42 }, context(), OBSERVED)['Body']).toBe('42')
  })

  it('never loses a field: every input key is a column source or an attribute', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue(), { maxKeys: 12 }), (line) => {
        const columns = mapLine(line, context(), OBSERVED)
        const attributes = (columns['Attributes'] ?? {}) as Record<string, unknown>
        for (const key of Object.keys(line)) {
          const mapped =
            key in attributes ||
            ['time', 'level', 'msg', 'err', 'hostname', 'pid', 'name'].includes(key) ||
            ['trace_id', 'span_id', 'trace_flags', 'event.name', 'otel.event.name'].includes(key)
          expect(mapped, key).toBe(true)
        }
        expect(typeof columns['TimeGenerated']).toBe('string')
      }),
    )
  })
})

describe('time', () => {
  it('reads epoch milliseconds, seconds, microseconds and nanoseconds, and ISO text (core toIsoTime)', () => {
    const iso = '2025-01-02T03:04:05.678Z'
    for (const time of [1735787045678, 1735787045.678, 1735787045678000, '1735787045678000000', iso]) {
      expect(mapLine({ level: 30, time }, context(), OBSERVED)['TimeGenerated'], String(time)).toBe(iso)
    }
    expect(mapLine({ level: 30, time: '2025-01-02T05:04:05.678+02:00' }, context(), OBSERVED)['TimeGenerated']).toBe(
      iso,
    )
  })

  it('keeps a trace_id that is not a W3C trace id in Attributes', () => {
    const columns = mapLine({ level: 30, trace_id: 'nope', span_id: 'b7ad6b7169203331' }, context(), OBSERVED)
    expect(columns).toMatchObject({ SpanId: 'b7ad6b7169203331', Attributes: { trace_id: 'nope' } })
    expect(columns['TraceId']).toBeUndefined()
  })

  it('shares one Resource object between lines of one process', () => {
    const ctx = context()
    const a = mapLine({ level: 30, pid: 1, hostname: 'h', name: 'api' }, ctx, OBSERVED)
    const b = mapLine({ level: 40, pid: 1, hostname: 'h', name: 'api' }, ctx, OBSERVED)
    expect(b['Resource']).toBe(a['Resource'])
  })
})
