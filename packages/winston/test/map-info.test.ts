import { hostname } from 'node:os'
import { severityTableForLevels } from '@dcr-logs/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import winston from 'winston'
import { type MapContext, mapInfo, type WinstonInfo } from '../src/map-info.ts'
import { captureInfo, captureInfos } from './helpers/capture.ts'

const { format } = winston
const NOW = new Date('2030-05-06T07:08:09.010Z')
const NOW_ISO = NOW.toISOString()
const npm = severityTableForLevels(winston.config.npm.levels)

const context = (overrides: Partial<MapContext> = {}): MapContext => ({
  severity: (name) => npm.get(name) ?? 0,
  bodyFrom: 'message',
  serviceName: undefined,
  resource: () => undefined,
  scopeName: 'winston',
  scopeVersion: undefined,
  hostName: hostname(),
  ...overrides,
})

const map = (info: object, overrides: Partial<MapContext> = {}) =>
  mapInfo(info as WinstonInfo, NOW.getTime(), context(overrides))

/** Own keys, including symbols, with their values as JSON: what "not mutated" compares. */
const snapshot = (info: object) =>
  JSON.stringify(Reflect.ownKeys(info).map((k) => [String(k), (info as Record<PropertyKey, unknown>)[k]]))

describe('mapInfo', () => {
  it('maps a plain record with meta to the default schema', async () => {
    const info = await captureInfo({}, (l) => l.info('order placed', { orderId: 42, customer: { id: 'c1' } }))
    expect(map(info)).toEqual({
      TimeGenerated: NOW_ISO,
      ObservedTimestamp: NOW_ISO,
      SeverityText: 'info',
      SeverityNumber: 9,
      Body: 'order placed',
      Attributes: { orderId: 42, customer: { id: 'c1' } },
      HostName: hostname(),
      ScopeName: 'winston',
    })
  })

  it('reads the level from Symbol.for("level"), not the colourised level', async () => {
    const info = await captureInfo({ format: format.combine(format.colorize({ all: true }), format.simple()) }, (l) =>
      l.warn('careful'),
    )
    expect((info as { level: string }).level).not.toBe('warn')
    expect(map(info)).toMatchObject({ SeverityText: 'warn', SeverityNumber: 13 })
  })

  it('serialises an Error logged as the message itself', async () => {
    const info = await captureInfo({}, (l) => l.error(new TypeError('boom')))
    const columns = map(info)
    expect(columns).toMatchObject({ Body: 'boom', ExceptionType: 'TypeError', ExceptionMessage: 'boom' })
    expect(columns.ExceptionStacktrace).toMatch(/^TypeError: boom\n\s+at /)
    expect(columns.Attributes).toBeUndefined()
  })

  it('serialises an Error that format.errors() flattened, keeping its type from the stack', async () => {
    const err = Object.assign(new RangeError('out of range'), { code: 'E_RANGE' })
    const info = await captureInfo({ format: format.combine(format.errors({ stack: true }), format.json()) }, (l) =>
      l.error(err),
    )
    const columns = map(info)
    expect(columns).toMatchObject({
      Body: 'out of range',
      ExceptionType: 'RangeError',
      ExceptionMessage: 'out of range',
      ExceptionStacktrace: err.stack,
      Attributes: { code: 'E_RANGE' },
    })
  })

  it('serialises an Error passed as meta, with its cause, and keeps the message winston built', async () => {
    const err = new Error('disk full', { cause: new Error('ENOSPC') })
    const info = await captureInfo({}, (l) => l.error('save failed', err))
    const columns = map(info)
    expect(columns).toMatchObject({
      Body: 'save failed disk full',
      ExceptionType: 'Error',
      ExceptionMessage: 'disk full',
    })
    expect(columns.ExceptionStacktrace).toContain('Caused by: Error: ENOSPC')
    // winston copied stack and cause to the top level: they are in the Exception* columns, not twice
    expect(columns.Attributes).toBeUndefined()
  })

  it('finds Errors under err and error, and in splat', async () => {
    // without format.splat(): that format drops a trailing Error's non-enumerable fields
    const [byErr, byError, bySplat] = await captureInfos({}, (l) => {
      l.error('a', { err: new Error('one'), requestId: 'r1' })
      l.error('b', { error: new SyntaxError('two') })
      l.warn('c %s', 'x', new Error('three'))
    })
    expect(map(byErr!)).toMatchObject({ ExceptionMessage: 'one', Attributes: { requestId: 'r1' } })
    expect(map(byErr!).Attributes).not.toHaveProperty('err')
    expect(map(byError!)).toMatchObject({ ExceptionType: 'SyntaxError', ExceptionMessage: 'two' })
    expect(map(bySplat!)).toMatchObject({ ExceptionMessage: 'three' })
  })

  it('maps an uncaught-exception record', () => {
    const error = new Error('crash')
    const info = {
      error,
      level: 'error',
      message: `uncaughtException: crash\n${error.stack}`,
      stack: error.stack,
      exception: true,
      date: 'Mon Jan 01 2024',
      [Symbol.for('level')]: 'error',
    }
    expect(map(info)).toMatchObject({
      SeverityText: 'error',
      ExceptionMessage: 'crash',
      ExceptionStacktrace: error.stack,
      Attributes: { exception: true, date: 'Mon Jan 01 2024' },
    })
    expect(map(info).Attributes).not.toHaveProperty('stack')
    expect(map(info).Attributes).not.toHaveProperty('error')
  })

  it('puts defaultMeta, child bindings and splat objects into Attributes', async () => {
    const [child, unsplatted, splatted] = await captureInfos({ defaultMeta: { service: 'orders' } }, (l) => {
      l.child({ requestId: 'r7' }).info('from child', { step: 2 })
      l.info('hi %s', 'x', { b: 2 })
      l.log({ level: 'info', message: 'literal', [Symbol.for('splat')]: [{ c: 3 }, 'not an object'] } as never)
    })
    expect(map(child!)).toMatchObject({
      Attributes: { service: 'orders', requestId: 'r7', step: 2 },
      ServiceName: 'orders',
    })
    expect(map(unsplatted!)).toMatchObject({ Body: 'hi %s', Attributes: { service: 'orders', b: 2 } })
    expect(map(splatted!)).toMatchObject({ Body: 'literal', Attributes: { service: 'orders', c: 3 } })
  })

  it('interpolates with format.splat() and keeps the trailing meta object', async () => {
    const info = await captureInfo({ format: format.splat() }, (l) =>
      l.info('%s has %d items', 'cart', 3, { cartId: 'k' }),
    )
    expect(map(info)).toMatchObject({ Body: 'cart has 3 items', Attributes: { cartId: 'k' } })
  })

  it('takes TimeGenerated from timestamp in the format the user chose', async () => {
    const [iso, custom, timeOnly] = await Promise.all([
      captureInfo({ format: format.timestamp() }, (l) => l.info('iso')),
      captureInfo({ format: format.timestamp({ format: 'YYYY-MM-DD HH:mm:ss.SSS' }) }, (l) => l.info('custom')),
      captureInfo({ format: format.timestamp({ format: 'HH:mm:ss' }) }, (l) => l.info('time only')),
    ])
    // format.timestamp()'s ISO text is sent as it is: no Date parsed back and printed again
    expect(map(iso).TimeGenerated).toBe(String(iso.timestamp))
    expect(map(iso).Attributes).toBeUndefined()
    const customText = String(custom.timestamp)
    const [d, t] = customText.split(' ') as [string, string]
    expect(map(custom).TimeGenerated).toBe(new Date(`${d}T${t}`).toISOString())
    // unreadable: the time of the log call, and the text is kept
    expect(map(timeOnly)).toMatchObject({
      TimeGenerated: NOW_ISO,
      Attributes: { timestamp: String(timeOnly.timestamp) },
    })
  })

  it('maps trace context and event names', () => {
    const info = {
      level: 'info',
      message: 'm',
      trace_id: '0af7651916cd43dd8448eb211c80319c',
      span_id: 'b7ad6b7169203331',
      trace_flags: '01',
      'event.name': 'order.placed',
      [Symbol.for('level')]: 'info',
    }
    const columns = map(info)
    expect(columns).toMatchObject({
      TraceId: '0af7651916cd43dd8448eb211c80319c',
      SpanId: 'b7ad6b7169203331',
      TraceFlags: 1,
      EventName: 'order.placed',
    })
    expect(columns.Attributes).toBeUndefined()
  })

  it('takes Body from the formatted message when asked', async () => {
    const info = await captureInfo({ format: format.json() }, (l) => l.info('hello', { a: 1 }))
    expect(map(info, { bodyFrom: 'formatted' }).Body).toBe('{"a":1,"level":"info","message":"hello"}')
    expect(map(info, { bodyFrom: 'message' }).Body).toBe('hello')
    // without a finalizing format, fall back to the message
    expect(map({ level: 'info', message: 'plain' }, { bodyFrom: 'formatted' }).Body).toBe('plain')
  })

  it('fills Resource, ServiceName and Scope from the options, the option winning over the record', () => {
    const info = { level: 'info', message: 'm', 'service.name': 'from-record', [Symbol.for('level')]: 'info' }
    const resource = (service: string | undefined) => ({ 'deployment.environment': 'prod', 'service.name': service })
    expect(map(info, { serviceName: 'svc', resource, scopeVersion: '1.0.0' })).toMatchObject({
      ServiceName: 'svc',
      Resource: { 'deployment.environment': 'prod', 'service.name': 'svc' },
      ScopeName: 'winston',
      ScopeVersion: '1.0.0',
      Attributes: { 'service.name': 'from-record' },
    })
    const fromRecord = map(info)
    expect(fromRecord.ServiceName).toBe('from-record')
    expect(fromRecord.Attributes).toBeUndefined()
  })

  it('writes non-string messages as JSON and keeps __proto__ a plain key', () => {
    const meta = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}')
    const columns = map({ ...meta, level: 'info', message: { nested: [1, 2] }, [Symbol.for('level')]: 'info' })
    expect(columns.Body).toBe('{"nested":[1,2]}')
    const attributes = columns.Attributes as Record<string, unknown>
    expect(Object.getPrototypeOf(attributes)).toBe(Object.prototype)
    expect(Object.keys(attributes).sort()).toEqual(['__proto__', 'ok'])
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined()
  })

  it('never mutates info, and carries every other field into Attributes', () => {
    const reserved = new Set(['level', 'message', 'timestamp', 'trace_id', 'span_id', 'trace_flags', 'event.name'])
    const key = fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !reserved.has(k) && k !== 'otel.event.name')
    const meta = fc
      .dictionary(key, fc.jsonValue(), { maxKeys: 8 })
      .filter((m) => !('err' in m) && !('error' in m) && !('stack' in m) && !('service.name' in m))
    fc.assert(
      fc.property(
        meta,
        fc.constantFrom(...Object.keys(winston.config.npm.levels)),
        fc.string(),
        (fields, level, message) => {
          const info = { ...fields, level, message, [Symbol.for('level')]: level }
          const before = snapshot(info)
          const columns = map(info)
          expect(snapshot(info)).toBe(before)
          expect(columns.SeverityText).toBe(level)
          expect(columns.Body).toBe(message)
          expect(columns.Attributes ?? {}).toEqual(fields)
        },
      ),
      { numRuns: 200 },
    )
  })
})
