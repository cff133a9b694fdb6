/**
 * Core's `preset` and `routes` options through the winston transport, unchanged: a real winston logger, the
 * emulator with the DCRs `dcr-logs init --preset` writes for the built-in Syslog and CommonSecurityLog tables.
 */
import { COMMON_SECURITY_LOG_DCR, DEFAULT_DCR, SYSLOG_DCR } from '@dcr-logs/test-harness'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import winston from 'winston'
import { AzureLogsTransport, type AzureLogsTransportOptions } from '../src/index.ts'
import { endLogger, type Row, TABLE, useEmulator } from './helpers/emulator.ts'

const env = useEmulator()
beforeAll(() =>
  env.start({
    dcrs: [
      { dcr: DEFAULT_DCR, name: 'app' },
      { dcr: SYSLOG_DCR, name: 'syslog' },
      { dcr: COMMON_SECURITY_LOG_DCR, name: 'csl' },
    ],
  }),
)
afterAll(() => env.stop())
beforeEach(() => env.reset())

const ruleOf = (name: string) => env.emulator.rules.find((r) => r.name === name)!.ruleId
/** A transport to one of the emulator's DCRs; the stream is the preset's, or a route's. */
const transportTo = (rule: string, options: AzureLogsTransportOptions) =>
  new AzureLogsTransport({
    endpoint: env.emulator.endpoint,
    ruleId: ruleOf(rule),
    credential: env.emulator.credentialConfig,
    lingerMs: 20,
    onDrop: (event) => env.drops.push(event),
    ...options,
  })

describe('AzureLogsTransport with core presets and routes', () => {
  it("preset 'syslog' lands winston records in the built-in Syslog table", async () => {
    const transport = transportTo('syslog', {
      preset: 'syslog',
      hostName: 'web-1',
      serviceName: 'payments',
    })
    const logger = winston.createLogger({
      levels: winston.config.syslog.levels,
      level: 'debug',
      transports: [transport],
    })
    logger.warning('settlement late', { batchId: 'b-88' })
    logger.error('card network timeout', { facility: 'daemon' })
    await endLogger(logger)

    expect(env.drops).toEqual([])
    expect(env.emulator.dcrErrors()).toEqual([])
    expect(env.emulator.rows('Syslog')).toEqual([
      expect.objectContaining({
        Computer: 'web-1',
        Facility: 'user',
        SeverityLevel: 'warning',
        SyslogMessage: 'settlement late {"batchId":"b-88"}',
        ProcessName: 'payments',
        EventTime: expect.any(Date),
      }),
      expect.objectContaining({ Facility: 'daemon', SeverityLevel: 'err', SyslogMessage: 'card network timeout' }),
    ])
    expect(transport.stats().conform).toMatchObject({ records: 2, changed: 0 })
  })

  it("preset 'commonSecurityLog' lands them in CommonSecurityLog, well-known attributes in their CEF columns", async () => {
    const transport = transportTo('csl', {
      preset: 'commonSecurityLog',
      presetOptions: { deviceVendor: 'Contoso', deviceProduct: 'payments' },
    })
    const logger = winston.createLogger({ transports: [transport] })
    logger.warn('login refused', { 'client.address': '10.0.0.9', 'user.name': 'bob', attempts: 3 })
    await endLogger(logger)

    expect(env.drops).toEqual([])
    expect(env.emulator.rows('CommonSecurityLog')).toEqual([
      expect.objectContaining({
        DeviceVendor: 'Contoso',
        DeviceProduct: 'payments',
        Activity: 'login refused',
        LogSeverity: '5',
        OriginalLogSeverity: 'warn',
        SourceIP: '10.0.0.9',
        SourceUserName: 'bob',
        AdditionalExtensions: 'attempts=3',
      }),
    ])
  })

  it('routes audit events (a field) to CommonSecurityLog and errors (a level) to Syslog from one transport', async () => {
    const transport = transportTo('app', {
      routes: [
        {
          name: 'audit',
          match: { field: { path: 'Attributes.audit', equals: true } },
          ruleId: ruleOf('csl'),
          preset: 'commonSecurityLog',
        },
        { name: 'errors', match: { minSeverity: 'error' }, ruleId: ruleOf('syslog'), preset: 'syslog' },
      ],
    })
    const logger = winston.createLogger({ transports: [transport] })
    logger.info('page viewed')
    logger.info('role granted', { audit: true, 'user.name': 'ann' })
    logger.error('disk full')
    logger.child({ audit: true }).error('admin login from a new country')
    await endLogger(logger)

    expect(env.drops).toEqual([])
    expect(env.emulator.rows<Row>(TABLE).map((r) => r.Body)).toEqual(['page viewed'])
    expect(env.emulator.rows('CommonSecurityLog').map((r) => [r['Activity'], r['SourceUserName']])).toEqual([
      ['role granted', 'ann'],
      ['admin login from a new country', ''],
    ])
    expect(env.emulator.rows('Syslog').map((r) => r['SyslogMessage'])).toEqual(['disk full'])
    const stats = transport.stats()
    expect(stats.records).toMatchObject({ accepted: 4, delivered: 4, dropped: 0 })
    expect(Object.fromEntries(Object.entries(stats.routes!).map(([k, s]) => [k, s.records.delivered]))).toEqual({
      default: 1,
      audit: 2,
      errors: 1,
    })
  })
})
