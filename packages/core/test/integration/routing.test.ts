/**
 * One client, several destinations: records routed by field, level and logger to another DCR, a built-in table
 * preset and the default stream, against the emulator with three DCRs; each route with its own buffer and stats.
 */
import { type AppLogsRow, DEFAULT_DCR, type Emulator, SYSLOG_DCR, startEmulator } from '@dcr-logs/test-harness'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createLogsIngestionClient, type DropEvent, type LogsIngestionClientOptions } from '../../src/index.ts'

const AUDIT_COLUMNS = [
  { name: 'TimeGenerated', type: 'datetime' },
  { name: 'Actor', type: 'string' },
  { name: 'Action', type: 'string' },
  { name: 'Body', type: 'string' },
  { name: 'Attributes', type: 'dynamic' },
] as const
const AUDIT_DCR = {
  location: 'westeurope',
  kind: 'Direct',
  properties: {
    streamDeclarations: { 'Custom-Audit': { columns: AUDIT_COLUMNS } },
    destinations: { logAnalytics: [{ workspaceResourceId: '<workspace-resource-id>', name: 'workspace' }] },
    dataFlows: [
      {
        streams: ['Custom-Audit'],
        destinations: ['workspace'],
        transformKql: 'source | extend Actor = tostring(Attributes.actor), Action = Body',
        outputStream: 'Custom-Audit_CL',
      },
    ],
  },
}

let emulator: Emulator
beforeAll(async () => {
  emulator = await startEmulator({
    dcrs: [
      { dcr: DEFAULT_DCR, name: 'app' },
      { dcr: AUDIT_DCR, name: 'audit' },
      { dcr: SYSLOG_DCR, name: 'syslog' },
    ],
  })
})
afterEach(() => emulator.reset())
afterAll(() => emulator.close())

const rule = (name: string) => emulator.rules.find((r) => r.name === name)!.ruleId

const routed = (over: LogsIngestionClientOptions = {}): LogsIngestionClientOptions => ({
  endpoint: emulator.endpoint,
  ruleId: rule('app'),
  credential: emulator.credentialConfig,
  lingerMs: 20,
  routes: [
    {
      name: 'audit',
      match: { field: { path: 'Attributes.audit', equals: true } },
      ruleId: rule('audit'),
      streamName: 'Custom-Audit',
      streamDeclaration: AUDIT_COLUMNS,
    },
    { name: 'errors', match: { minSeverity: 'error' }, ruleId: rule('syslog'), preset: 'syslog', bufferShare: 0.25 },
    { name: 'jobs', match: { logger: 'jobs' }, streamName: 'Custom-AppLogs', ruleId: rule('app') },
  ],
  ...over,
})

const record = (Body: string, over: Record<string, unknown> = {}) => ({
  TimeGenerated: new Date(),
  SeverityText: 'info',
  SeverityNumber: 9,
  Body,
  ScopeName: 'winston',
  HostName: 'web-1',
  ...over,
})

describe('routes', () => {
  it('send each record to the first route that matches, the rest to the default stream', async () => {
    const drops: DropEvent[] = []
    const client = createLogsIngestionClient(routed({ onDrop: (e) => drops.push(e) }), { env: {} })
    client.push(record('page viewed'))
    client.push(record('role granted', { Attributes: { audit: true, actor: 'ann' } }))
    // an audit event at error level takes the first route that matches: audit
    client.push(
      record('login refused', { SeverityText: 'error', SeverityNumber: 17, Attributes: { audit: true, actor: 'bob' } }),
    )
    client.push(record('disk full', { SeverityText: 'error', SeverityNumber: 17 }))
    client.push(record('nightly export', { ScopeName: 'jobs' }))
    await client.close()

    // two routes write to AppLogs_CL, each with its own requests: their order of arrival is not fixed
    expect(
      emulator
        .rows<AppLogsRow>('AppLogs_CL')
        .map((r) => r.Body)
        .sort(),
    ).toEqual(['nightly export', 'page viewed'])
    expect(emulator.rows('Audit_CL').map((r) => [r['Actor'], r['Action']])).toEqual([
      ['ann', 'role granted'],
      ['bob', 'login refused'],
    ])
    expect(emulator.rows('Syslog')).toEqual([
      expect.objectContaining({ SeverityLevel: 'err', SyslogMessage: 'disk full', Computer: 'web-1' }),
    ])
    expect(emulator.dcrErrors()).toEqual([])
    expect(drops).toEqual([])

    const stats = client.stats()
    expect(stats.records).toMatchObject({ accepted: 5, delivered: 5, dropped: 0, queued: 0, inFlight: 0 })
    expect(Object.keys(stats.routes!)).toEqual(['default', 'audit', 'errors', 'jobs'])
    expect(stats.routes!['default']!.records.delivered).toBe(1)
    expect(stats.routes!['audit']!.records.delivered).toBe(2)
    expect(stats.routes!['errors']!.records.delivered).toBe(1)
    expect(stats.routes!['jobs']!.records.delivered).toBe(1)
    expect(stats.requests.total).toBe(Object.values(stats.routes!).reduce((n, s) => n + s.requests.total, 0))
    // the audit route checked its records against its declaration: ScopeName, SeverityText, … are not in it
    expect(stats.routes!['audit']!.conform).toMatchObject({
      records: 2,
      unknownFieldNames: expect.arrayContaining(['ScopeName']),
    })
    expect(client.closed).toBe(true)
  })

  it('abandon() reports what every route still holds, synchronously', async () => {
    const drops: DropEvent[] = []
    const client = createLogsIngestionClient(routed({ lingerMs: 60_000, onDrop: (e) => drops.push(e) }), { env: {} })
    client.push(record('page viewed'))
    client.push(record('role granted', { Attributes: { audit: true, actor: 'ann' } }))
    client.push(record('disk full', { SeverityText: 'error', SeverityNumber: 17 }))
    expect(client.abandon('lost at exit')).toBe(3)
    expect(drops.map((d) => [d.route, d.reason, d.records.length]).sort()).toEqual([
      ['audit', 'shutdown-timeout', 1],
      ['default', 'shutdown-timeout', 1],
      ['errors', 'shutdown-timeout', 1],
    ])
    expect(client.closed).toBe(true)
    expect(client.stats().records).toMatchObject({ accepted: 3, dropped: 3, queued: 0 })
  })

  it("gives each route its buffer share, so one route's flood drops only its own records", async () => {
    const drops: DropEvent[] = []
    const client = createLogsIngestionClient(
      routed({ maxBufferRecords: 40, overflow: 'drop-newest', onDrop: (e) => drops.push(e) }),
      { env: {} },
    )
    // errors has 0.25 of 40 records = 10; the default route, audit and jobs split the rest (10 each)
    for (let i = 0; i < 30; i++) client.push(record(`error ${i}`, { SeverityText: 'error', SeverityNumber: 17 }))
    for (let i = 0; i < 8; i++) client.push(record(`info ${i}`))
    await client.close()
    const stats = client.stats()
    expect(stats.routes!['errors']!.records).toMatchObject({ accepted: 10, dropped: 20 })
    expect(stats.routes!['default']!.records).toMatchObject({ accepted: 8, delivered: 8, dropped: 0 })
    expect(stats.droppedByReason).toEqual({ 'buffer-full': 20 })
    expect(drops.every((d) => d.route === 'errors' && d.reason === 'buffer-full')).toBe(true)
    expect(drops.reduce((n, d) => n + d.records.length, 0)).toBe(20)
  })

  it('flush, waitForSpace and pushes after close cover every route', async () => {
    const client = createLogsIngestionClient(routed({ lingerMs: 60_000 }), { env: {} })
    client.push(record('a'))
    client.push(record('b', { SeverityNumber: 17 }))
    expect(await client.waitForSpace({ timeoutMs: 1_000 })).toBe(true)
    const flushed = await client.flush({ timeoutMs: 10_000 })
    expect(flushed).toEqual({ settled: true, pending: 0 })
    expect(client.stats().records.delivered).toBe(2)
    await client.close()
    expect(await client.waitForSpace()).toBe(false)
    expect(client.push(record('late', { SeverityNumber: 17 }))).toBe(false)
    expect(client.stats().routes!['errors']!.droppedByReason).toEqual({ closed: 1 })
  })

  it('name the route and the field in option errors, also for values checked by the route client', () => {
    const withRoute = (route: object) => () =>
      createLogsIngestionClient(
        { ...routed(), routes: [{ name: 'audit', match: { minSeverity: 17 }, ...route }] as never },
        { env: {} },
      )
    expect(withRoute({ ruleId: 'dcr with space' })).toThrow(/^routes\[0\] \("audit"\): Invalid option "ruleId"/)
    expect(withRoute({ streamName: 'Audit' })).toThrow(/^routes\[0\] \("audit"\): Invalid option "streamName"/)
    expect(withRoute({ streamName: 'Custom-Audit', maxTimeSpanMs: -1 })).toThrow(
      /routes\[0\] \("audit"\): Invalid option "maxTimeSpanMs"/,
    )
    expect(withRoute({ streamName: 'Custom-Audit', streamDeclaration: { file: '/nonexistent/dcr.json' } })).toThrow(
      /routes\[0\] \("audit"\): Invalid option "streamDeclaration": cannot read \/nonexistent\/dcr\.json/,
    )
  })

  it('does not hand the default stream settings of the environment to routes', async () => {
    const client = createLogsIngestionClient(
      {
        ...routed(),
        ruleId: rule('syslog'),
        routes: [{ name: 'errors', match: { minSeverity: 17 }, ruleId: rule('app') }],
      },
      { env: { DCR_LOGS_STREAM_NAME: 'Custom-SyslogStream', DCR_LOGS_PRESET: 'syslog' } },
    )
    expect(client.options).toMatchObject({ streamName: 'Custom-SyslogStream', preset: 'syslog' })
    client.push(record('mapped by the syslog preset'))
    client.push(record('sent as pushed to Custom-AppLogs', { SeverityNumber: 17 }))
    await client.close()
    expect(client.stats().records).toMatchObject({ delivered: 2, dropped: 0 })
    expect(emulator.rows('Syslog')).toEqual([expect.objectContaining({ SyslogMessage: 'mapped by the syslog preset' })])
    expect(emulator.rows<AppLogsRow>('AppLogs_CL')).toEqual([
      expect.objectContaining({ Body: 'sent as pushed to Custom-AppLogs', SeverityNumber: 17 }),
    ])
  })
})
