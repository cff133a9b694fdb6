import { hrTimeToIso } from '@dcr-logs/core'
import { context, TraceFlags, trace } from '@opentelemetry/api'
import { SeverityNumber } from '@opentelemetry/api-logs'
import { resourceFromAttributes } from '@opentelemetry/resources'
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  type ReadableLogRecord,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs'
import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { bodyColumn, mapLogRecord } from '../src/map-record.ts'

const FIXED_NOW = Date.parse('2030-01-02T03:04:05.678Z')
const options = { now: () => FIXED_NOW }

const providers: LoggerProvider[] = []
afterEach(async () => {
  await Promise.all(providers.splice(0).map((p) => p.shutdown()))
})

/** Real records, made by a real LoggerProvider, as the exporter receives them. */
function recordsFrom(
  emit: (provider: LoggerProvider) => void,
  resource: Record<string, string> = { 'service.name': 'checkout' },
) {
  const memory = new InMemoryLogRecordExporter()
  const provider = new LoggerProvider({
    resource: resourceFromAttributes(resource),
    processors: [new SimpleLogRecordProcessor({ exporter: memory })],
  })
  providers.push(provider)
  emit(provider)
  return memory.getFinishedLogRecords() as ReadableLogRecord[]
}

function one(emit: (provider: LoggerProvider) => void, resource?: Record<string, string>): ReadableLogRecord {
  const records = recordsFrom(emit, resource)
  expect(records).toHaveLength(1)
  return records[0]!
}

describe('mapLogRecord', () => {
  it('maps every field of a record to the default schema', () => {
    const spanContext = {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.SAMPLED,
    }
    const record = one(
      (p) =>
        p.getLogger('payments', '2.1.0').emit({
          timestamp: new Date('2030-01-02T03:04:05.123Z'),
          observedTimestamp: new Date('2030-01-02T03:04:06.000Z'),
          severityNumber: SeverityNumber.WARN,
          severityText: 'WARN',
          body: 'card declined',
          eventName: 'payment.declined',
          attributes: { 'order.id': 'o-17', amount: 12.5, tags: ['a', 'b'], nested: { ok: true } },
          exception: Object.assign(new Error('insufficient funds'), { name: 'CardError' }),
          context: trace.setSpanContext(context.active(), spanContext),
        }),
      { 'service.name': 'checkout', 'host.name': 'web-1', 'deployment.environment': 'prod' },
    )

    const columns = mapLogRecord(record, options)

    expect(columns).toEqual({
      TimeGenerated: '2030-01-02T03:04:05.123000Z',
      ObservedTimestamp: '2030-01-02T03:04:06.000000Z',
      SeverityText: 'WARN',
      SeverityNumber: 13,
      Body: 'card declined',
      Attributes: { 'order.id': 'o-17', amount: 12.5, tags: ['a', 'b'], nested: { ok: true } },
      Resource: { 'deployment.environment': 'prod' },
      ServiceName: 'checkout',
      HostName: 'web-1',
      TraceId: spanContext.traceId,
      SpanId: spanContext.spanId,
      TraceFlags: 1,
      ScopeName: 'payments',
      ScopeVersion: '2.1.0',
      EventName: 'payment.declined',
      ExceptionType: 'CardError',
      ExceptionMessage: 'insufficient funds',
      ExceptionStacktrace: expect.stringContaining('CardError: insufficient funds'),
    })
  })

  it('leaves out what a minimal record does not have', () => {
    const record = one((p) => p.getLogger('min').emit({ body: 'hi' }), {})
    const columns = mapLogRecord(record, options)
    expect(Object.keys(columns).sort()).toEqual(['Body', 'ObservedTimestamp', 'ScopeName', 'TimeGenerated'])
    // without a timestamp the SDK uses the time of emit for both
    expect(columns['TimeGenerated']).toBe(columns['ObservedTimestamp'])
  })

  it('keeps sub-millisecond precision from an HrTime timestamp', () => {
    const record = one((p) => p.getLogger('t').emit({ body: 'x', timestamp: [1_900_000_000, 123_456_789] }))
    expect(mapLogRecord(record, options)['TimeGenerated']).toBe('2030-03-17T17:46:40.123456Z')
  })

  it('writes structured bodies as JSON text and bytes as base64', () => {
    const records = recordsFrom((p) => {
      const logger = p.getLogger('bodies')
      logger.emit({ body: { user: 'ada', items: [1, 2], meta: { ok: true } } })
      logger.emit({ body: 42 })
      logger.emit({ body: false })
      logger.emit({ body: new Uint8Array([104, 105]) })
    })
    expect(records.map((r) => mapLogRecord(r, options)['Body'])).toEqual([
      '{"user":"ada","items":[1,2],"meta":{"ok":true}}',
      '42',
      'false',
      'aGk=',
    ])
  })

  it('takes the event name from the event.name attribute that older bridges set, without repeating it', () => {
    const record = one((p) =>
      p.getLogger('ev').emit({ body: 'x', attributes: { 'event.name': 'user.login', 'user.id': 'u1' } }),
    )
    const columns = mapLogRecord(record, options)
    expect(columns).toMatchObject({ EventName: 'user.login', Attributes: { 'user.id': 'u1' } })
    expect(columns['Attributes']).not.toHaveProperty('event.name')
    // a different event.name attribute beside eventName is data, and stays
    const both = one((p) => p.getLogger('ev').emit({ body: 'x', eventName: 'a', attributes: { 'event.name': 'b' } }))
    expect(mapLogRecord(both, options)).toMatchObject({ EventName: 'a', Attributes: { 'event.name': 'b' } })
  })

  it('maps scope attributes and droppedAttributesCount into Attributes, under OTLP-like names', () => {
    const memory = new InMemoryLogRecordExporter()
    const provider = new LoggerProvider({
      logRecordLimits: { attributeCountLimit: 2 },
      processors: [new SimpleLogRecordProcessor({ exporter: memory })],
    })
    providers.push(provider)
    provider
      .getLogger('scoped', '1.0.0', { attributes: { 'library.kind': 'http' } })
      .emit({ body: 'x', attributes: { a: 1, b: 2, c: 3 } })
    const columns = mapLogRecord(memory.getFinishedLogRecords()[0]!, options)
    expect(columns).toMatchObject({
      ScopeName: 'scoped',
      ScopeVersion: '1.0.0',
      Attributes: {
        a: 1,
        b: 2,
        'otel.scope.attributes': { 'library.kind': 'http' },
        'otel.dropped_attributes_count': 1,
      },
    })
  })

  it("writes a small resource by default, all of it with resourceAttributes: 'all', and names from the whole of it", () => {
    const resource = {
      'service.name': 'checkout',
      'service.version': '2.0.0',
      'host.name': 'web-1',
      'process.command_args': '["node","server.js"]',
      'telemetry.sdk.language': 'nodejs',
    }
    const record = one((p) => p.getLogger('r').emit({ body: 'x' }), resource)
    expect(mapLogRecord(record, options)).toMatchObject({
      Resource: { 'service.version': '2.0.0' },
      ServiceName: 'checkout',
      HostName: 'web-1',
    })
    expect(mapLogRecord(record, { ...options, resourceAttributes: 'all' })['Resource']).toEqual(resource)
    const none = mapLogRecord(record, { ...options, resourceAttributes: [] })
    expect(none).toMatchObject({ ServiceName: 'checkout', HostName: 'web-1' })
    expect(none).not.toHaveProperty('Resource')
  })

  it('moves exception attributes to their columns without repeating them in Attributes', () => {
    const record = one((p) =>
      p.getLogger('ex').emit({
        body: 'failed',
        attributes: {
          'exception.type': 'TypeError',
          'exception.message': 'x is undefined',
          'exception.stacktrace': 's',
        },
      }),
    )
    const columns = mapLogRecord(record, options)
    expect(columns).toMatchObject({
      ExceptionType: 'TypeError',
      ExceptionMessage: 'x is undefined',
      ExceptionStacktrace: 's',
    })
    expect(columns).not.toHaveProperty('Attributes')
  })

  it('ignores an invalid span context', () => {
    const invalid = { traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 0 }
    const record = one((p) =>
      p.getLogger('tc').emit({ body: 'x', context: trace.setSpanContext(context.active(), invalid) }),
    )
    const columns = mapLogRecord(record, options)
    expect(columns).not.toHaveProperty('TraceId')
    expect(columns).not.toHaveProperty('SpanId')
  })

  it('falls back to the observed time, then to now, when the record time is unusable', () => {
    const base = one((p) => p.getLogger('t').emit({ body: 'x', observedTimestamp: new Date('2030-01-01T00:00:00Z') }))
    // a hand-made record (other SDK versions, tests) may lack hrTime: read fields by name, never spread
    const noTime = {
      hrTimeObserved: base.hrTimeObserved,
      hrTime: undefined as never,
      resource: base.resource,
      instrumentationScope: base.instrumentationScope,
      attributes: {},
    }
    expect(mapLogRecord(noTime, options)['TimeGenerated']).toBe('2030-01-01T00:00:00.000000Z')
    const noTimes = { ...noTime, hrTimeObserved: [Number.NaN, 0] as const }
    expect(mapLogRecord(noTimes, options)['TimeGenerated']).toBe('2030-01-02T03:04:05.678Z')
  })
})

describe('hrTimeToIso', () => {
  it('agrees with Date to the millisecond and adds microseconds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 253_402_300_799 }),
        fc.integer({ min: 0, max: 999_999_999 }),
        (seconds, nanos) => {
          const iso = hrTimeToIso([seconds, nanos])!
          expect(iso).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/)
          expect(Date.parse(iso)).toBe(seconds * 1000 + Math.floor(nanos / 1e6))
          expect(Number(iso.slice(20, 26))).toBe(Math.floor(nanos / 1000))
        },
      ),
    )
  })

  it('normalises nanoseconds beyond one second', () => {
    expect(hrTimeToIso([1_900_000_000, 1_500_000_000])).toBe('2030-03-17T17:46:41.500000Z')
  })

  it('rejects times that are not times', () => {
    expect(hrTimeToIso(undefined)).toBeUndefined()
    expect(hrTimeToIso([Number.POSITIVE_INFINITY, 0])).toBeUndefined()
    expect(hrTimeToIso([0, 0])).toBeUndefined()
    expect(hrTimeToIso([1e15, 0])).toBeUndefined()
  })
})

describe('bodyColumn', () => {
  it('never throws, whatever the body', () => {
    const circular: Record<string, unknown> = { a: 1 }
    circular['self'] = circular
    expect(bodyColumn(circular)).toBe('{"a":1,"self":"[Circular]"}')
    expect(bodyColumn({ big: 10n })).toBe('{"big":"10"}')
    expect(
      bodyColumn({
        toJSON: () => {
          throw new Error('nope')
        },
      }),
    ).toBe('[unserializable: nope]')
    const shared = { x: 1 }
    // the same object twice is not a cycle
    expect(bodyColumn({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}')
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const out = bodyColumn(value)
        expect(out === undefined || typeof out === 'string').toBe(true)
      }),
    )
  })
})
