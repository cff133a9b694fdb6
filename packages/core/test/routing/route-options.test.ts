import { describe, expect, it } from 'vitest'
import { resolveOptions } from '../../src/index.ts'
import { splitBuffer } from '../../src/routing/buffer-shares.ts'
import { compileMatch, readPath } from '../../src/routing/match.ts'
import { validateRoutes } from '../../src/routing/route-options.ts'

const audit = {
  name: 'audit',
  match: { field: { path: 'Attributes.audit', equals: true } },
  streamName: 'Custom-Audit',
}

describe('validateRoutes', () => {
  it('returns valid routes as given, with preset names spelled canonically', () => {
    expect(validateRoutes(undefined)).toEqual([])
    expect(validateRoutes([audit])).toEqual([audit])
    expect(
      validateRoutes([{ name: 'sec', match: { minSeverity: 'warn' }, preset: 'COMMONSECURITYLOG' }])[0],
    ).toMatchObject({
      preset: 'commonSecurityLog',
    })
  })

  it.each([
    ['not an array', { name: 'a' }, /"routes": expected an array of routes/],
    ['a bad name', [{ ...audit, name: 'with space' }], /"routes\[0\]\.name": expected a name of letters/],
    ['the default name', [{ ...audit, name: 'default' }], /"routes\[0\] \("default"\)\.name": expected another name/],
    ['a duplicate name', [audit, audit], /"routes\[1\] \("audit"\)\.name": expected a name no other route has/],
    [
      'an unknown key',
      [{ ...audit, stream: 'Custom-X' }],
      /"routes\[0\] \("audit"\)\.stream": expected one of name, match, streamName/,
    ],
    [
      'no destination',
      [{ name: 'a', match: { minSeverity: 17 } }],
      /"routes\[0\] \("a"\)": expected a destination: streamName, ruleId, endpoint or preset/,
    ],
    [
      'an empty match',
      [{ ...audit, match: {} }],
      /"routes\[0\] \("audit"\)\.match": expected at least one of minSeverity/,
    ],
    ['an unknown match key', [{ ...audit, match: { level: 'error' } }], /"routes\[0\] \("audit"\)\.match\.level"/],
    [
      'a bad severity',
      [{ ...audit, match: { minSeverity: 'loud' } }],
      /"routes\[0\] \("audit"\)\.match\.minSeverity": expected an OpenTelemetry severity number 1–24/,
    ],
    [
      'min above max',
      [{ ...audit, match: { minSeverity: 'error', maxSeverity: 'info' } }],
      /match\.maxSeverity": expected a severity at least minSeverity \(17\)/,
    ],
    [
      'a field without a path',
      [{ ...audit, match: { field: { equals: 1 } } }],
      /match\.field\.path": expected a dot path/,
    ],
    [
      'two field tests',
      [{ ...audit, match: { field: { path: 'a', equals: 1, exists: true } } }],
      /match\.field": expected one of equals, in or exists \(got equals and exists\)/,
    ],
    [
      'an object to compare',
      [{ ...audit, match: { field: [{ path: 'a', equals: { x: 1 } }] } }],
      /match\.field\[0\]\.equals": expected a string, number, boolean or null/,
    ],
    [
      'an empty in',
      [{ ...audit, match: { field: { path: 'a', in: [] } } }],
      /match\.field\.in": expected a non-empty array/,
    ],
    [
      'an empty logger list',
      [{ ...audit, match: { logger: [] } }],
      /match\.logger": expected a non-empty string or an array/,
    ],
    [
      'a share of 1',
      [{ ...audit, bufferShare: 1 }],
      /"routes\[0\] \("audit"\)\.bufferShare": expected a fraction between 0 and 1/,
    ],
    [
      'an unknown preset',
      [{ ...audit, preset: 'syslg' }],
      /"routes\[0\] \("audit"\)\.preset": expected one of "syslog"/,
    ],
    ['a bad conform', [{ ...audit, conform: 'yes' }], /"routes\[0\] \("audit"\)\.conform"/],
  ])('rejects %s, naming the route and the field', (_what, routes, message) => {
    expect(() => validateRoutes(routes)).toThrow(message)
    // the same error from resolveOptions, where users meet it
    expect(() =>
      resolveOptions(
        {
          endpoint: 'https://x.ingest.monitor.azure.com',
          ruleId: 'dcr-00000000000000000000000000000000',
          routes: routes as never,
        },
        {},
      ),
    ).toThrow(message)
  })
})

describe('compileMatch', () => {
  const rec = (over: Record<string, unknown>) => ({
    SeverityNumber: 9,
    SeverityText: 'info',
    ScopeName: 'winston',
    ...over,
  })

  it('matches a severity range from numbers or level names', () => {
    const m = compileMatch({ minSeverity: 'warn', maxSeverity: 20 })
    expect([5, 9, 13, 17, 20, 21].map((n) => m(rec({ SeverityNumber: n })))).toEqual([
      false,
      false,
      true,
      true,
      true,
      false,
    ])
    expect(m(rec({ SeverityNumber: '17' }))).toBe(false)
    expect(m({})).toBe(false)
  })

  it('matches SeverityText case-insensitively', () => {
    const m = compileMatch({ severityText: ['audit', 'SECURITY'] })
    expect(m(rec({ SeverityText: 'Audit' }))).toBe(true)
    expect(m(rec({ SeverityText: 'security' }))).toBe(true)
    expect(m(rec({}))).toBe(false)
  })

  it("matches the logger's name in ScopeName (OpenTelemetry) or ServiceName (pino's name)", () => {
    const m = compileMatch({ logger: 'audit' })
    expect(m(rec({ ScopeName: 'audit' }))).toBe(true)
    expect(m(rec({ ServiceName: 'audit' }))).toBe(true)
    expect(m(rec({ ServiceName: 'api' }))).toBe(false)
  })

  it('matches fields by equals, in, exists and absence, all conditions together', () => {
    expect(
      compileMatch({ field: { path: 'Attributes.audit', equals: true } })(rec({ Attributes: { audit: true } })),
    ).toBe(true)
    expect(
      compileMatch({ field: { path: 'Attributes.audit', equals: true } })(rec({ Attributes: { audit: 'true' } })),
    ).toBe(false)
    expect(compileMatch({ field: { path: 'EventName', in: ['login', 'logout'] } })(rec({ EventName: 'logout' }))).toBe(
      true,
    )
    expect(compileMatch({ field: { path: 'TraceId' } })(rec({ TraceId: 'abc' }))).toBe(true)
    expect(compileMatch({ field: { path: 'TraceId' } })(rec({ TraceId: null }))).toBe(false)
    expect(compileMatch({ field: { path: 'TraceId', exists: false } })(rec({}))).toBe(true)
    const both = compileMatch({ minSeverity: 'error', field: [{ path: 'Attributes.tenant', equals: 'a' }] })
    expect(both(rec({ SeverityNumber: 17, Attributes: { tenant: 'a' } }))).toBe(true)
    expect(both(rec({ SeverityNumber: 9, Attributes: { tenant: 'a' } }))).toBe(false)
  })

  it('never throws, whatever the record', () => {
    const m = compileMatch({ field: { path: 'Attributes.x', equals: 1 } })
    const hostile = {
      get Attributes() {
        throw new Error('getter')
      },
    }
    expect(m(hostile)).toBe(false)
    expect(m(null as never)).toBe(false)
    expect(m('text' as never)).toBe(false)
  })
})

describe('readPath', () => {
  it('finds flat dotted keys as well as nested objects, the longest key first', () => {
    const record = { Attributes: { 'http.route': '/a', http: { method: 'GET' }, 'a.b': { c: 1 } } }
    expect(readPath(record, 'Attributes.http.route'.split('.'))).toBe('/a')
    expect(readPath(record, 'Attributes.http.method'.split('.'))).toBe('GET')
    expect(readPath(record, 'Attributes.a.b.c'.split('.'))).toBe(1)
    expect(readPath(record, 'Attributes.missing'.split('.'))).toBeUndefined()
    expect(readPath({ a: 'text' }, ['a', 'length'])).toBeUndefined()
  })
})

describe('splitBuffer', () => {
  const total = { maxBufferBytes: 1_000_000, maxBufferRecords: 1000 }

  it('gives routes their share and splits the rest evenly between the default route and routes without one', () => {
    expect(splitBuffer(total, [{ name: 'a', bufferShare: 0.5 }, { name: 'b' }])).toEqual([
      { maxBufferBytes: 250_000, maxBufferRecords: 250 },
      { maxBufferBytes: 500_000, maxBufferRecords: 500 },
      { maxBufferBytes: 250_000, maxBufferRecords: 250 },
    ])
    const even = splitBuffer(total, [{ name: 'a' }, { name: 'b' }, { name: 'c' }])
    expect(even.reduce((n, l) => n + l.maxBufferBytes, 0)).toBeLessThanOrEqual(total.maxBufferBytes)
  })

  it('refuses shares that leave the default route nothing, or a share too small to hold a record', () => {
    expect(() =>
      splitBuffer(total, [
        { name: 'a', bufferShare: 0.6 },
        { name: 'b', bufferShare: 0.4 },
      ]),
    ).toThrow(/shares that add up to less than 1/)
    expect(() => splitBuffer(total, [{ name: 'tiny', bufferShare: 0.0001 }])).toThrow(
      /"routes\[0\] \("tiny"\)\.bufferShare".*route "tiny" \(it would get 100 bytes and 0 records\)/,
    )
  })
})
