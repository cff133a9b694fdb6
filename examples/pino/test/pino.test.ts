import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
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

describe('examples/pino', () => {
  it('delivers on flush, and what is logged after it once SIGTERM turns into an exit', async () => {
    // a child process, so NODE_EXTRA_CA_CERTS (in emulator.env) is set when Node starts, as it must be
    const child = spawn(process.execPath, ['app.mjs'], {
      cwd: exampleDir,
      env: { ...process.env, ...emulator.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk
    })
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk
        // the stats event and the flush callback travel separately from the worker: wait for both
        if (stdout.includes('ready:') && stdout.includes(' delivered, ')) resolve()
      })
      void exited.then(([code]) => reject(new Error(`app exited early (${code}): ${stdout}${stderr}`)))
    })

    // logger.flush(cb) called back only after the worker delivered all 7 lines logged before it
    expect(stdout).toContain('dcr-logs: 7 delivered, 0 dropped')
    expect(emulator.count(DEFAULT_TABLE)).toBe(7)

    child.kill('SIGTERM')
    const [code, signal] = await exited
    expect({ code, signal, stderr }).toEqual({ code: 0, signal: null, stderr: '' })

    const rows = emulator.rows<AppLogsRow>(DEFAULT_TABLE)
    expect(rows.slice(0, 7).map((r) => r.Body)).toEqual([
      'sync started',
      'batch fetched',
      'stock levels updated',
      'batch fetched',
      'stock levels updated',
      'negative stock reported by supplier',
      'item rejected',
    ])
    // the line logged in the SIGTERM handler was delivered by pino's exit hook
    const last = rows.at(-1)!
    expect(last.Body).toBe('shutting down')
    expect(last.Attributes).toMatchObject({ signal: 'SIGTERM' })

    for (const row of rows) {
      expect(row.ServiceName).toBe('inventory-sync')
      expect(row.ScopeName).toBe('pino')
      expect(row.Resource).toMatchObject({ 'service.version': '1.8.0', 'process.pid': child.pid })
    }
    expect(rows[0]!.Attributes).toMatchObject({ supplier: { id: 'acme', apiKey: '[Redacted]' } })
    expect(JSON.stringify(rows)).not.toContain('sk-live-123')
    expect(rows[1]).toMatchObject({ SeverityText: 'debug', SeverityNumber: 5 })
    expect(rows[1]!.Attributes).toMatchObject({ batch: 1, skus: ['A-100', 'A-101', 'A-102'] })
    expect(rows[4]!.Attributes).toMatchObject({ batch: 2, updated: 2 })
    expect(rows[5]).toMatchObject({ SeverityText: 'warn', SeverityNumber: 13 })
    expect(rows[6]).toMatchObject({
      SeverityText: 'error',
      SeverityNumber: 17,
      ExceptionType: 'RangeError',
      ExceptionMessage: 'price must be positive',
    })
  })
})
