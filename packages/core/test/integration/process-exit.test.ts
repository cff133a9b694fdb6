/**
 * A logger must never keep a process alive, and close() must deliver before exit. Node loads the built
 * package here (dist), as applications do.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { type Emulator, startEmulator } from '@dcr-logs/test-harness'
import { afterAll, beforeAll, expect, it } from 'vitest'

const dist = fileURLToPath(new URL('../../dist/index.mjs', import.meta.url))
let emulator: Emulator

beforeAll(async () => {
  emulator = await startEmulator()
})
afterAll(() => emulator.close())

const run = (
  code: string,
  extraEnv: Record<string, string> = {},
): Promise<{ exitCode: number | null; ms: number; stderr: string }> =>
  new Promise((resolve, reject) => {
    const started = Date.now()
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
      env: { ...process.env, ...emulator.env, ...extraEnv },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (d) => (stderr += d))
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000)
    child.on('error', reject)
    child.on('exit', (exitCode) => {
      clearTimeout(killer)
      resolve({ exitCode, ms: Date.now() - started, stderr })
    })
  })

it('does not keep the process alive with records queued (timers are unref’d)', async () => {
  const result = await run(`
    import { createLogsIngestionClient } from ${JSON.stringify(dist)}
    const client = createLogsIngestionClient({ lingerMs: 60_000 })
    client.push({ Body: 'never flushed' })
  `)
  expect(result).toMatchObject({ exitCode: 0, stderr: '' })
  expect(emulator.count('AppLogs_CL')).toBe(0)
})

it('delivers on close() before the process exits', async () => {
  emulator.reset()
  const result = await run(`
    import { createLogsIngestionClient } from ${JSON.stringify(dist)}
    const client = createLogsIngestionClient({ lingerMs: 60_000 })
    for (let i = 0; i < 1000; i++) client.push({ Body: 'line ' + i })
    const r = await client.close()
    if (!r.settled) process.exitCode = 3
  `)
  expect(result).toMatchObject({ exitCode: 0, stderr: '' })
  expect(emulator.count('AppLogs_CL')).toBe(1000)
})

it('exits after flush() without close(): idle keep-alive sockets and the token cache hold nothing open', async () => {
  emulator.reset()
  const result = await run(`
    import { createLogsIngestionClient } from ${JSON.stringify(dist)}
    const client = createLogsIngestionClient({ lingerMs: 60_000 })
    client.push({ Body: 'flushed, never closed' })
    const r = await client.flush()
    if (!r.settled) process.exitCode = 3
  `)
  // the emulator keeps idle connections for 30 s, past the 20 s kill: exit code 0 means nothing held the process
  expect(result).toMatchObject({ exitCode: 0, stderr: '' })
  expect(emulator.count('AppLogs_CL')).toBe(1)
})

it('NODE_DEBUG=dcr-logs explains what happens, without secrets or tokens', async () => {
  emulator.reset()
  emulator.setFaults([{ fault: { type: 'status', status: 503 }, times: 1 }])
  const result = await run(
    `
    import { createLogsIngestionClient } from ${JSON.stringify(dist)}
    const client = createLogsIngestionClient({ initialDelayMs: 10 })
    client.push({ Body: 'private payload' })
    await client.close()
  `,
    { NODE_DEBUG: 'dcr-logs' },
  )
  expect(result.exitCode).toBe(0)
  expect(result.stderr).toMatch(/DCR-LOGS \d+: POST 1 records, \d+ bytes .* → 503/)
  expect(result.stderr).toMatch(/retrying 1 records in \d+ ms/)
  expect(result.stderr).toMatch(/→ 204/)
  expect(result.stderr).not.toContain(emulator.clientSecret)
  expect(result.stderr).not.toContain('private payload')
  expect(result.stderr).not.toMatch(/Bearer|eyJ/)
})
