import { startEmulator } from '@dcr-logs/test-harness'
import { describe, expect, it } from 'vitest'
import { cleanEnv, runScript } from './run.ts'

/** Runs `node demo.mjs` as the README's first command does, with `env` instead of the caller's. */
const runDemo = (env: NodeJS.ProcessEnv) => runScript('demo.mjs', env)

describe('pnpm demo', () => {
  it('starts its own emulator, prints rows from all three frameworks and the stats, and exits 0', async () => {
    const { code, output } = await runDemo(cleanEnv())
    expect(output).toContain('starting the Logs Ingestion emulator')
    expect(output).toContain('11 rows landed in AppLogs_CL')
    expect(output).toMatch(/orders-winston: 4 rows \(ScopeName winston\)/)
    expect(output).toMatch(/orders-pino: 4 rows \(ScopeName pino\)/)
    expect(output).toMatch(/orders-otel: 3 rows \(ScopeName orders\)/)
    // sample rows: an ISO timestamp, the severity, the body and the attributes of one record per framework
    // meta in the order winston merges it (defaultMeta first), as its own json() format prints it
    expect(output).toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\s+info\s+9\s+order placed\s+\{[^}]*"orderId":1001/)
    expect(output).toMatch(/error\s+17\s+label printing failed\s+\{"orderId":1005\}\s+TypeError/)
    expect(output).toContain('4bf92f3577b34da6a3ce929d0e0e4736')
    expect(output).toMatch(/winston\s+4\s+4\s+0\s+1/)
    expect(output).toMatch(/pino\s+4\s+4\s+0\s+1/)
    expect(output).toMatch(/opentelemetry\s+3\s+3\s+0\s+1/)
    expect(output).toContain('every record was delivered')
    expect(code).toBe(0)
  })

  it('sends to the endpoint in DCR_LOGS_ENDPOINT instead, as it would to Azure', async () => {
    // the emulator stands in for a real workspace: the demo must not start its own, and reports what it sent
    const azure = await startEmulator()
    try {
      const { code, output } = await runDemo({ ...cleanEnv(), ...azure.env })
      expect(output).not.toContain('starting the Logs Ingestion emulator')
      expect(output).toContain(`sending to ${azure.endpoint}`)
      expect(output).toContain('AppLogs_CL | where ServiceName startswith "orders-"')
      expect(code).toBe(0)
      const rows = azure.rows('AppLogs_CL')
      const services = rows.map((row) => row['ServiceName'])
      expect(services.filter((s) => s === 'orders-winston')).toHaveLength(4)
      expect(services.filter((s) => s === 'orders-pino')).toHaveLength(4)
      expect(services.filter((s) => s === 'orders-otel')).toHaveLength(3)
    } finally {
      await azure.close()
    }
  })

  it('fails with a non-zero exit code when records cannot be delivered', async () => {
    const azure = await startEmulator()
    try {
      // a stream the rule does not declare: every request gets 404, which is a configuration error
      const { code, output } = await runDemo({
        ...cleanEnv(),
        ...azure.env,
        DCR_LOGS_STREAM_NAME: 'Custom-NoSuchStream',
        DCR_LOGS_CLOSE_TIMEOUT_MS: '3000',
      })
      expect(output).toContain('some records are missing')
      expect(code).toBe(1)
    } finally {
      await azure.close()
    }
  })
})
