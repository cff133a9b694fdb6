import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { type AppLogsRow, DEFAULT_TABLE, type Emulator, startEmulator } from '@dcr-logs/test-harness'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const exampleDir = fileURLToPath(new URL('..', import.meta.url))
let emulator: Emulator

const withoutOtelVariables = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('OTEL_')))

beforeAll(async () => {
  emulator = await startEmulator()
})
afterAll(async () => {
  await emulator?.close()
})

describe('examples/opentelemetry', () => {
  it('runs against the emulator; logs inside the span carry its trace context', async () => {
    // a child process, so NODE_EXTRA_CA_CERTS (in emulator.env) is set when Node starts, as it must be
    const { stdout } = await promisify(execFile)(process.execPath, ['app.mjs'], {
      cwd: exampleDir,
      // OTEL_* from the developer's shell would change what the SDK sets up
      env: { ...withoutOtelVariables(process.env), ...emulator.env },
      timeout: 30_000,
    })
    expect(stdout).toContain('shipped 4 of 4 record(s), 0 dropped')

    const rows = emulator.rows<AppLogsRow>(DEFAULT_TABLE)
    expect(rows.map((r) => [r.SeverityText, r.SeverityNumber, r.Body])).toEqual([
      ['INFO', 9, 'billing run started'],
      ['INFO', 9, 'invoice created'],
      ['ERROR', 17, 'tax calculation failed, invoice queued for retry'],
      ['INFO', 9, 'billing run finished'],
    ])
    for (const row of rows) {
      expect(row).toMatchObject({ ServiceName: 'billing', ScopeName: 'billing-job', ScopeVersion: '3.1.0' })
      // NodeSDK's resource detectors fill the resource: service.name and host.name become ServiceName and HostName,
      // Resource keeps the small default selection (process.pid here), not the process and SDK details
      expect(row.Resource).toMatchObject({ 'process.pid': expect.any(Number) })
      expect(row.Resource).not.toHaveProperty('telemetry.sdk.language')
      expect(row.HostName).not.toBe('')
    }

    const [before, created, failed, after] = rows as [AppLogsRow, AppLogsRow, AppLogsRow, AppLogsRow]
    expect(created.TraceId).toMatch(/^[0-9a-f]{32}$/)
    expect(created.SpanId).toMatch(/^[0-9a-f]{16}$/)
    expect(created.TraceFlags).toBe(1)
    expect(failed).toMatchObject({ TraceId: created.TraceId, SpanId: created.SpanId })
    // outside the span: no trace context
    expect([before.TraceId, after.TraceId]).toEqual(['', ''])

    expect(created.Attributes).toEqual({ 'customer.id': 'cust-77', 'invoice.total': 129.9, 'invoice.currency': 'EUR' })
    expect(failed).toMatchObject({
      EventName: 'billing.invoice.deferred',
      ExceptionType: 'Error',
      ExceptionMessage: 'tax service unavailable',
    })
    expect(failed.ExceptionStacktrace).toContain('app.mjs')
    expect(failed.Attributes).toEqual({ 'customer.id': 'cust-77' })
  })
})
