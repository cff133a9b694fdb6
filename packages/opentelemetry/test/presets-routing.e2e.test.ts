/**
 * Core's `preset` and `routes` options through the exporter, unchanged: a real `LoggerProvider` and
 * `BatchLogRecordProcessor`, the emulator with the DCRs `dcr-logs init --preset` writes for the built-in Syslog and
 * CommonSecurityLog tables. OpenTelemetry names loggers, so routes can take a logger by name.
 */

import { COMMON_SECURITY_LOG_DCR, DEFAULT_DCR, SYSLOG_DCR } from '@dcr-logs/test-harness'
import { SeverityNumber } from '@opentelemetry/api-logs'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { AzureLogsExporter } from '../src/exporter.ts'
import type { AzureLogsExporterOptions } from '../src/options.ts'
import { type Emulator, type Row, startEmulator, TABLE } from './support.ts'

let emulator: Emulator
beforeAll(async () => {
  emulator = await startEmulator({
    dcrs: [
      { dcr: DEFAULT_DCR, name: 'app' },
      { dcr: SYSLOG_DCR, name: 'syslog' },
      { dcr: COMMON_SECURITY_LOG_DCR, name: 'csl' },
    ],
  })
})
afterAll(async () => {
  await emulator?.close()
})
beforeEach(() => emulator.reset())

const ruleOf = (name: string) => emulator.rules.find((r) => r.name === name)!.ruleId

/** A provider whose exporter ships to one of the emulator's DCRs; shut it down to flush. */
const providerTo = (rule: string, options: AzureLogsExporterOptions) => {
  const exporter = new AzureLogsExporter({
    endpoint: emulator.endpoint,
    ruleId: ruleOf(rule),
    credential: emulator.credentialConfig,
    lingerMs: 20,
    ...options,
  })
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout', 'host.name': 'node-7', 'process.pid': 4242 }),
    processors: [new BatchLogRecordProcessor({ exporter, scheduledDelayMillis: 10 })],
  })
  return { exporter, provider }
}

describe('AzureLogsExporter with core presets and routes', () => {
  it("preset 'syslog' lands OpenTelemetry records in the built-in Syslog table", async () => {
    const { exporter, provider } = providerTo('syslog', { preset: 'syslog' })
    provider.getLogger('checkout').emit({
      severityNumber: SeverityNumber.WARN,
      severityText: 'WARN',
      body: 'stock low',
      attributes: { sku: 'a-1', facility: 'local2' },
    })
    await provider.shutdown()

    expect(exporter.stats().records).toMatchObject({ delivered: 1, dropped: 0 })
    expect(emulator.dcrErrors()).toEqual([])
    expect(emulator.rows('Syslog')).toEqual([
      expect.objectContaining({
        Facility: 'local2',
        SeverityLevel: 'warning',
        SyslogMessage: 'stock low {"sku":"a-1"}',
        ProcessName: 'checkout',
        ProcessID: 4242,
      }),
    ])
  })

  it("preset 'commonSecurityLog' lands them in CommonSecurityLog", async () => {
    const { provider } = providerTo('csl', { preset: 'commonSecurityLog' })
    provider.getLogger('auth').emit({
      severityNumber: SeverityNumber.ERROR,
      severityText: 'ERROR',
      body: 'token replay detected',
      attributes: { 'client.address': '203.0.113.5', 'http.request.method': 'POST', 'url.full': 'https://x/login' },
    })
    await provider.shutdown()

    expect(emulator.rows('CommonSecurityLog')).toEqual([
      expect.objectContaining({
        DeviceProduct: 'checkout',
        Activity: 'token replay detected',
        LogSeverity: '7',
        OriginalLogSeverity: 'ERROR',
        SourceIP: '203.0.113.5',
        RequestMethod: 'POST',
        RequestURL: 'https://x/login',
        ProcessID: 4242,
      }),
    ])
  })

  it('routes by logger name to CommonSecurityLog and by level to Syslog from one exporter', async () => {
    const { exporter, provider } = providerTo('app', {
      streamName: 'Custom-AppLogs',
      routes: [
        { name: 'security', match: { logger: 'auth' }, ruleId: ruleOf('csl'), preset: 'commonSecurityLog' },
        { name: 'errors', match: { minSeverity: SeverityNumber.ERROR }, ruleId: ruleOf('syslog'), preset: 'syslog' },
      ],
    })
    provider.getLogger('checkout').emit({ severityNumber: SeverityNumber.INFO, body: 'order placed' })
    provider.getLogger('auth').emit({ severityNumber: SeverityNumber.WARN, body: 'login refused' })
    provider.getLogger('checkout').emit({ severityNumber: SeverityNumber.ERROR, body: 'payment failed' })
    await provider.shutdown()

    expect(emulator.rows<Row>(TABLE).map((r) => r.Body)).toEqual(['order placed'])
    expect(emulator.rows('CommonSecurityLog').map((r) => r['Activity'])).toEqual(['login refused'])
    expect(emulator.rows('Syslog').map((r) => r['SyslogMessage'])).toEqual(['payment failed'])
    const routes = exporter.stats().routes!
    expect(Object.fromEntries(Object.entries(routes).map(([k, s]) => [k, s.records.delivered]))).toEqual({
      default: 1,
      security: 1,
      errors: 1,
    })
  })
})
