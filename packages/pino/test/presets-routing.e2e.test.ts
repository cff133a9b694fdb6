/**
 * Core's `preset` and `routes` options through pino's real worker thread: they are plain data, so they survive the
 * structured clone into the worker, where core applies them. The emulator serves the DCRs `dcr-logs init --preset`
 * writes for the built-in Syslog and CommonSecurityLog tables. (Why `end()` only runs with nothing pending: see
 * worker.e2e.test.ts.)
 */
import { once } from 'node:events'
import { hostname } from 'node:os'
import { COMMON_SECURITY_LOG_DCR, DEFAULT_DCR, type Emulator, SYSLOG_DCR, startEmulator } from '@dcr-logs/test-harness'
import pino from 'pino'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { PinoTransportOptions } from '../src/index.ts'
import { DIST_INDEX_CJS, flushed, type Row, TABLE, WORKER_OPTIONS } from './helpers.ts'

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

/** A pino logger on the worker-thread target, shipping to one of the emulator's DCRs. */
const start = (rule: string, options: PinoTransportOptions) => {
  const transport = pino.transport({
    target: DIST_INDEX_CJS,
    options: {
      endpoint: emulator.endpoint,
      ruleId: ruleOf(rule),
      credential: emulator.credentialConfig,
      lingerMs: 20,
      ...options,
    },
    worker: WORKER_OPTIONS,
  })
  const logger = pino({ level: 'info', name: 'payments' }, transport)
  const end = async () => {
    await flushed(logger)
    const closed = once(transport, 'close')
    transport.end()
    await closed
  }
  return { logger, end }
}

describe('the pino target with core presets and routes', () => {
  it("preset 'syslog' lands pino lines in the built-in Syslog table", async () => {
    const { logger, end } = start('syslog', { preset: 'syslog', presetOptions: { facility: 'local4' } })
    logger.warn({ batchId: 'b-88' }, 'settlement late')
    logger.error(new Error('ETIMEDOUT'), 'card network timeout')
    await emulator.waitForRows('Syslog', 2)
    await end()

    expect(emulator.dcrErrors()).toEqual([])
    expect(emulator.rows('Syslog')).toEqual([
      expect.objectContaining({
        Computer: hostname(),
        Facility: 'local4',
        SeverityLevel: 'warning',
        SyslogMessage: 'settlement late {"batchId":"b-88"}',
        ProcessName: 'payments',
        ProcessID: process.pid,
      }),
      expect.objectContaining({
        SeverityLevel: 'err',
        SyslogMessage: expect.stringMatching(
          /^card network timeout \(Error: ETIMEDOUT\) .*"ExceptionStacktrace":"Error: ETIMEDOUT/,
        ),
      }),
    ])
  })

  it("preset 'commonSecurityLog' lands them in CommonSecurityLog", async () => {
    const { logger, end } = start('csl', { preset: 'commonSecurityLog' })
    logger.warn({ 'client.address': '10.0.0.9', 'client.port': 51000, reason: 'bad password' }, 'login refused')
    await emulator.waitForRows('CommonSecurityLog', 1)
    await end()

    expect(emulator.rows('CommonSecurityLog')).toEqual([
      expect.objectContaining({
        DeviceVendor: 'dcr-logs',
        DeviceProduct: 'payments',
        Activity: 'login refused',
        LogSeverity: '5',
        SourceIP: '10.0.0.9',
        SourcePort: 51000,
        ProcessID: process.pid,
        AdditionalExtensions: 'reason=bad password',
      }),
    ])
  })

  it("routes a child logger's lines by name to CommonSecurityLog and errors to Syslog from one target", async () => {
    const { logger, end } = start('app', {
      streamName: 'Custom-AppLogs',
      routes: [
        { name: 'audit', match: { logger: 'audit' }, ruleId: ruleOf('csl'), preset: 'commonSecurityLog' },
        { name: 'errors', match: { minSeverity: 'error' }, ruleId: ruleOf('syslog'), preset: 'syslog' },
      ],
    })
    logger.info('page viewed')
    logger.child({ name: 'audit' }).warn({ 'user.name': 'ann' }, 'role granted')
    logger.error('disk full')
    await Promise.all([
      emulator.waitForRows(TABLE, 1),
      emulator.waitForRows('CommonSecurityLog', 1),
      emulator.waitForRows('Syslog', 1),
    ])
    await end()

    expect(emulator.rows<Row>(TABLE).map((r) => r['Body'])).toEqual(['page viewed'])
    expect(emulator.rows('CommonSecurityLog')).toEqual([
      expect.objectContaining({ Activity: 'role granted', SourceUserName: 'ann', DeviceProduct: 'audit' }),
    ])
    expect(emulator.rows('Syslog')).toEqual([
      expect.objectContaining({ SyslogMessage: 'disk full', SeverityLevel: 'err' }),
    ])
    expect(emulator.dcrErrors()).toEqual([])
  })
})
