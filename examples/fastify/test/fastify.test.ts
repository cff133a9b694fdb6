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

interface RequestAttributes {
  reqId: string
  req?: { method: string; url: string }
  res?: { statusCode: number }
  responseTime?: number
}

describe('examples/fastify', () => {
  it('ships request logs, and the last lines after SIGTERM → fastify.close() → exit', async () => {
    // a child process, so NODE_EXTRA_CA_CERTS (in emulator.env) is set when Node starts, as it must be
    const server = spawn(process.execPath, ['server.mjs'], {
      cwd: exampleDir,
      env: { ...process.env, ...emulator.env, HOST: '127.0.0.1', PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    server.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk
    })
    const exited = once(server, 'exit') as Promise<[number | null, NodeJS.Signals | null]>
    const base = await new Promise<string>((resolve, reject) => {
      server.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk
        const match = /listening on (http:\/\/\S+)/.exec(stdout)
        if (match) resolve(match[1]!)
      })
      void exited.then(([code]) => reject(new Error(`server exited early (${code}): ${stdout}${stderr}`)))
    })

    const health = await fetch(`${base}/health`)
    expect(health.status).toBe(200)
    expect((await fetch(`${base}/orders/1001`)).status).toBe(200)
    expect((await fetch(`${base}/orders/9999`)).status).toBe(404)
    const created = await fetch(`${base}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sku: 'B-200', quantity: 1 }),
    })
    expect(created.status).toBe(201)
    expect((await fetch(`${base}/reports/daily`)).status).toBe(500)

    server.kill('SIGTERM')
    const [code, signal] = await exited
    expect({ code, signal, stderr }).toEqual({ code: 0, signal: null, stderr: '' })

    const rows = emulator.rows<AppLogsRow>(DEFAULT_TABLE)
    for (const row of rows) {
      expect(row).toMatchObject({ ServiceName: 'orders-api', ScopeName: 'pino' })
      expect(row.Resource).toMatchObject({ 'service.version': '4.2.0' })
    }
    const attributes = (row: AppLogsRow) => (row.Attributes ?? {}) as Partial<RequestAttributes>
    const incoming = rows.filter((r) => r.Body === 'incoming request').map((r) => attributes(r).req)
    // /health has logLevel 'silent': not a single row
    expect(incoming).toEqual([
      expect.objectContaining({ method: 'GET', url: '/orders/1001' }),
      expect.objectContaining({ method: 'GET', url: '/orders/9999' }),
      expect.objectContaining({ method: 'POST', url: '/orders' }),
      expect.objectContaining({ method: 'GET', url: '/reports/daily' }),
    ])
    const completed = rows.filter((r) => r.Body === 'request completed')
    expect(completed.map((r) => attributes(r).res?.statusCode)).toEqual([200, 404, 201, 500])
    for (const row of completed) {
      expect(row).toMatchObject({ SeverityText: 'info', SeverityNumber: 9 })
      expect(attributes(row).responseTime).toBeTypeOf('number')
      expect(attributes(row).reqId).toMatch(/^req-/)
    }

    // the handler's own line shares the request id of its request's rows
    const orderCreated = rows.find((r) => r.Body === 'order created')!
    const postId = rows.find((r) => attributes(r).req?.method === 'POST')!
    expect(attributes(orderCreated).reqId).toBe(attributes(postId).reqId)
    expect(orderCreated.Attributes).toMatchObject({ orderId: '1002', sku: 'B-200' })

    const failure = rows.find((r) => r.SeverityText === 'error')!
    expect(failure).toMatchObject({ ExceptionType: 'Error', ExceptionMessage: 'report store unreachable' })
    expect(failure.ExceptionStacktrace).toContain('server.mjs')

    // logged in the SIGTERM handler, delivered by pino's exit hook
    expect(rows.at(-1)).toMatchObject({ Body: 'shutting down', Attributes: { signal: 'SIGTERM' } })
    expect(emulator.dcrErrors()).toEqual([])
  })
})
