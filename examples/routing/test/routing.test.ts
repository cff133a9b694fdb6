import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { type AppLogsRow, DEFAULT_TABLE, type Emulator, startEmulator } from '@dcr-logs/test-harness'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const exampleDir = fileURLToPath(new URL('..', import.meta.url))
let emulator: Emulator

beforeAll(async () => {
  // the example's own DCR: two streams, two data flows, two tables
  emulator = await startEmulator({ dcrs: [fileURLToPath(new URL('../routing.dcr.json', import.meta.url))] })
})
afterAll(async () => {
  await emulator?.close()
})

interface AuditRow {
  TimeGenerated: Date
  Actor: string
  Action: string
  Target: string
  Outcome: string
  ServiceName: string
  Details: Record<string, unknown>
}

describe('examples/routing', () => {
  it('sends audit events to Audit_CL and everything else to AppLogs_CL from one transport', async () => {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['app.mjs'], {
      cwd: exampleDir,
      env: { ...process.env, ...emulator.env },
      timeout: 30_000,
    })
    expect(stdout).toContain('shipped 3 log(s) to AppLogs_CL and 3 audit event(s) to Audit_CL, 0 dropped')
    // the audit stream declares every field the records carry: no undeclared-field warnings
    expect(stderr).not.toContain('DCR_LOGS_')

    expect(emulator.rows<AppLogsRow>(DEFAULT_TABLE).map((r) => r.Body)).toEqual([
      'admin api started',
      'listing users',
      'mail relay unreachable',
    ])
    const audit = emulator.rows<AuditRow>('Audit_CL')
    expect(audit.map((r) => [r.Actor, r.Action, r.Target, r.Outcome])).toEqual([
      ['ann', 'user signed in', 'admin-api', 'success'],
      ['ann', 'role granted', 'user:bob', 'success'],
      ['ann', 'user deleted', 'user:carol', 'failure'],
    ])
    expect(audit[1]!.Details).toMatchObject({ role: 'billing-admin', audit: true })
    expect(audit[0]!.ServiceName).toBe('admin-api')
    expect(audit[0]!.TimeGenerated).toBeInstanceOf(Date)
    expect(emulator.dcrErrors()).toEqual([])
  })
})
