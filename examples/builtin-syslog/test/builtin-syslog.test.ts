import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { type Emulator, startEmulator } from '@dcr-logs/test-harness'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const exampleDir = fileURLToPath(new URL('..', import.meta.url))
/** syslog.dcr.json as a user deploys it, with its <placeholders> filled in. */
const dcr = JSON.parse(
  readFileSync(new URL('../syslog.dcr.json', import.meta.url), 'utf8')
    .replaceAll(
      '<workspace-resource-id>',
      '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/ws',
    )
    .replaceAll('<workspace-region>', 'westeurope'),
) as Record<string, unknown>

interface SyslogRow {
  TimeGenerated: Date
  EventTime: Date | null
  Computer: string
  HostName: string
  Facility: string
  SeverityLevel: string
  SyslogMessage: string
  ProcessName: string
  ProcessID: number | null
  [column: string]: unknown
}

let emulator: Emulator

beforeAll(async () => {
  emulator = await startEmulator({ dcrs: [dcr] })
})
afterAll(async () => {
  await emulator?.close()
})

describe('examples/builtin-syslog', () => {
  it('the emulator serves the example DCR: Custom-SyslogStream → Microsoft-Syslog', () => {
    expect(emulator.rules).toHaveLength(1)
    expect(emulator.rules[0]!.streams).toEqual(['Custom-SyslogStream'])
    expect(emulator.env['DCR_LOGS_STREAM_NAME']).toBe('Custom-SyslogStream')
  })

  it('runs against the emulator and lands typed rows in the Syslog table', async () => {
    // a child process, so NODE_EXTRA_CA_CERTS (in emulator.env) is set when Node starts, as it must be
    const { stdout } = await promisify(execFile)(process.execPath, ['app.mjs'], {
      cwd: exampleDir,
      env: { ...process.env, ...emulator.env },
      timeout: 30_000,
    })
    // six records reach the DCR; its transformation drops the debug one
    expect(stdout).toContain('shipped 6 of 6 record(s), 0 dropped')
    expect(stdout).toContain('debug: loaded 12 merchant profiles')

    const rows = emulator.rows<SyslogRow>('Syslog')
    expect(rows.map((r) => [r.Facility, r.SeverityLevel, r.SyslogMessage])).toEqual([
      ['daemon', 'info', 'daemon started, listening on port 7443'],
      ['auth', 'notice', 'merchant login {"merchantId":"m-301"}'],
      ['daemon', 'warning', 'settlement batch is late {"batchId":"b-88","minutesLate":12}'],
      ['daemon', 'err', 'card network timeout (Error: ETIMEDOUT after 30000 ms)'],
      ['local0', 'crit', 'ledger is read-only, payments paused'],
    ])
    for (const row of rows) {
      expect(row.ProcessName).toBe('payments-daemon')
      expect(row.ProcessID).toBeTypeOf('number')
      expect(row.Computer).not.toBe('')
      expect(row.HostName).toBe(row.Computer)
      expect(row.EventTime).toEqual(row.TimeGenerated)
      // the stream's helper column is gone: the Syslog table has no such column
      expect(row).not.toHaveProperty('Context')
    }
    expect(emulator.count('AppLogs_CL')).toBe(0)
    expect(emulator.dcrErrors()).toEqual([])
  })
})
