import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  cefSeverity,
  createConformer,
  formatCefExtensions,
  syslogSeverity,
  TABLE_PRESETS,
  toCommonSecurityLogColumns,
  toSyslogColumns,
} from '../../src/index.ts'

const record = {
  TimeGenerated: '2026-01-15T10:00:00.000Z',
  SeverityText: 'error',
  SeverityNumber: 17,
  Body: 'payment failed',
  Attributes: { facility: 'auth', orderId: 1001, 'client.address': '10.0.0.7', 'http.request.method': 'POST' },
  Resource: { 'service.version': '2.3.0', 'process.pid': 4242 },
  ServiceName: 'checkout',
  HostName: 'web-1',
  TraceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  ExceptionType: 'Error',
  ExceptionMessage: 'card declined',
}

describe('Syslog preset', () => {
  it('maps the default shape to Syslog columns and keeps the rest in the message', () => {
    expect(toSyslogColumns(record)).toEqual({
      TimeGenerated: '2026-01-15T10:00:00.000Z',
      EventTime: '2026-01-15T10:00:00.000Z',
      Computer: 'web-1',
      HostName: 'web-1',
      Facility: 'auth',
      SeverityLevel: 'err',
      SyslogMessage:
        'payment failed (Error: card declined) {"orderId":1001,"client.address":"10.0.0.7","http.request.method":"POST","TraceId":"4bf92f3577b34da6a3ce929d0e0e4736"}',
      ProcessName: 'checkout',
      ProcessID: 4242,
    })
  })

  it('takes the facility from options when the record has none, and keeps an unknown one in the message', () => {
    expect(toSyslogColumns({ Body: 'x' }, { facility: 'local3' })).toMatchObject({
      Facility: 'local3',
      SyslogMessage: 'x',
    })
    expect(toSyslogColumns({ Body: 'x', Attributes: { facility: 'payments' } })).toMatchObject({
      Facility: 'user',
      SyslogMessage: 'x {"facility":"payments"}',
    })
  })

  it('names the severity as syslog does: level names first, then OpenTelemetry numbers', () => {
    expect(
      ['emerg', 'ALERT', 'crit', 'error', 'warn', 'notice', 'info', 'debug', 'fatal', 'trace'].map((t) =>
        syslogSeverity(t, undefined),
      ),
    ).toEqual(['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug', 'crit', 'debug'])
    expect([1, 5, 9, 10, 13, 17, 21, 22, 23, 24, undefined].map((n) => syslogSeverity('verbose', n))).toEqual([
      'debug',
      'debug',
      'info',
      'notice',
      'warning',
      'err',
      'crit',
      'alert',
      'emerg',
      'emerg',
      'info',
    ])
  })

  it('takes a level named like an Object.prototype key for what it is: no alias, its number decides', () => {
    expect(['__proto__', 'constructor', 'toString'].map((t) => syslogSeverity(t, 17))).toEqual(['err', 'err', 'err'])
  })
})

describe('CommonSecurityLog preset', () => {
  it('maps the default shape to CEF columns, well-known attributes to their columns, the rest to extensions', () => {
    expect(toCommonSecurityLogColumns(record, { deviceVendor: 'Contoso' })).toEqual({
      TimeGenerated: '2026-01-15T10:00:00.000Z',
      DeviceVendor: 'Contoso',
      DeviceProduct: 'checkout',
      DeviceVersion: '2.3.0',
      DeviceEventClassID: 'error',
      Activity: 'payment failed',
      LogSeverity: '7',
      OriginalLogSeverity: 'error',
      Message: 'payment failed (Error: card declined)',
      Computer: 'web-1',
      DeviceName: 'web-1',
      ProcessName: 'checkout',
      ProcessID: 4242,
      SourceIP: '10.0.0.7',
      RequestMethod: 'POST',
      AdditionalExtensions: 'facility=auth orderId=1001 TraceId=4bf92f3577b34da6a3ce929d0e0e4736',
    })
  })

  it('writes CEF extensions with CEF escaping', () => {
    expect(formatCefExtensions({ 'a b': 'x=y', path: 'C:\\tmp', multi: 'l1\nl2', obj: { k: 1 }, none: null })).toBe(
      'a_b=x\\=y path=C:\\\\tmp multi=l1\\nl2 obj={"k":1}',
    )
    expect([1, 5, 9, 13, 17, 21, 24, undefined].map(cefSeverity)).toEqual(['0', '1', '3', '5', '7', '8', '10', '3'])
  })
})

/** Records of the default shape as adapters produce them, with arbitrary attribute values. */
const defaultRecord = fc.record(
  {
    TimeGenerated: fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
    SeverityText: fc.string(),
    SeverityNumber: fc.integer({ min: -5, max: 30 }),
    Body: fc.oneof(fc.string(), fc.jsonValue()),
    Attributes: fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 })),
    Resource: fc.dictionary(
      fc.constantFrom('process.pid', 'service.version', 'host.name', 'x'),
      fc.jsonValue({ maxDepth: 1 }),
    ),
    ServiceName: fc.string(),
    HostName: fc.string(),
    TraceId: fc.stringMatching(/^[0-9a-f]{32}$/),
    ExceptionType: fc.string(),
    ExceptionMessage: fc.string(),
    ExceptionStacktrace: fc.string(),
  },
  { requiredKeys: [] },
)

describe('every preset', () => {
  it('property: produces only declared columns, each value of its declared type (nothing the service would drop)', () => {
    for (const preset of Object.values(TABLE_PRESETS)) {
      const conform = createConformer({ columns: preset.columns })
      fc.assert(
        fc.property(defaultRecord, (r) => {
          const mapped = preset.map(r)
          const result = conform(mapped)
          expect(result.unknownFields).toEqual([])
          expect(result.dropped).toEqual([])
          expect(result.converted).toEqual([])
        }),
      )
    }
  })
})
