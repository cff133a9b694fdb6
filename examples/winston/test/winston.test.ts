import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { type AppLogsRow, DEFAULT_TABLE, type Emulator, startEmulator } from '@dcr-logs/test-harness'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const exampleDir = fileURLToPath(new URL('..', import.meta.url))
let emulator: Emulator

beforeAll(async () => {
  emulator = await startEmulator()
})
afterAll(async () => {
  await emulator?.close()
})

describe('examples/winston', () => {
  it('runs against the emulator and its records land as typed rows', async () => {
    // a child process, so NODE_EXTRA_CA_CERTS (in emulator.env) is set when Node starts, as it must be
    const { stdout } = await promisify(execFile)(process.execPath, ['app.mjs'], {
      cwd: exampleDir,
      env: { ...process.env, ...emulator.env },
      timeout: 30_000,
    })
    expect(stdout).toContain('shipped 5 of 5 record(s), 0 dropped')
    expect(stdout).toContain('order placed')

    const rows = emulator.rows<AppLogsRow>(DEFAULT_TABLE)
    expect(rows.map((r) => [r.SeverityText, r.SeverityNumber, r.Body])).toEqual([
      ['info', 9, 'checkout service started'],
      ['debug', 5, 'cart loaded: 3 item(s)'],
      ['info', 9, 'order placed'],
      ['warn', 13, 'payment provider slow'],
      ['error', 17, 'payment failed'],
    ])
    for (const row of rows) {
      expect(row.ServiceName).toBe('checkout')
      expect(row.ScopeName).toBe('winston')
      expect(row.TimeGenerated).toBeInstanceOf(Date)
      expect(row.Resource).toMatchObject({ 'service.version': '2.3.0' })
      // defaultMeta travels with every record; colour codes from the console format never reach Azure
      expect(row.Attributes).toMatchObject({ region: 'westeurope' })
      expect(JSON.stringify(row)).not.toContain('\u001b[')
    }
    expect(rows[1]!.Attributes).toMatchObject({ cartId: 'c-981' })
    // the child logger's bindings are on its records only
    expect(rows[0]!.Attributes).not.toHaveProperty('requestId')
    expect(rows[2]!.Attributes).toMatchObject({ requestId: 'req-4711', userId: 'u-42', orderId: 1001, amount: 42.5 })

    const failed = rows[4]!
    expect(failed.ExceptionType).toBe('Error')
    expect(failed.ExceptionMessage).toBe('card declined')
    expect(failed.ExceptionStacktrace).toContain('app.mjs')
    expect(failed.ExceptionStacktrace).toContain('insufficient funds')
    expect(emulator.dcrErrors()).toEqual([])
  })
})
