/**
 * `@azure/identity` is an optional peer: the built package, copied where no node_modules can be found, must
 * work with any TokenCredential and report a credential config clearly when the peer is missing.
 */
import { spawn } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Emulator, startEmulator } from '@dcr-logs/test-harness'
import { afterAll, beforeAll, expect, it } from 'vitest'

const dist = fileURLToPath(new URL('../../dist/index.mjs', import.meta.url))
let emulator: Emulator
let dir: string

beforeAll(async () => {
  emulator = await startEmulator()
  // outside the workspace: no node_modules above it, so `import('@azure/identity')` really fails
  dir = mkdtempSync(join(tmpdir(), 'dcr-logs-no-identity-'))
  copyFileSync(dist, join(dir, 'index.mjs'))
})
afterAll(async () => {
  await emulator.close()
  rmSync(dir, { recursive: true, force: true })
})

const run = (code: string, env: Record<string, string>): Promise<{ exitCode: number | null; stdout: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
      cwd: dir,
      env: { PATH: process.env['PATH'] ?? '', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let stdout = ''
    child.stdout.on('data', (d) => (stdout += d))
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000)
    child.on('error', reject)
    child.on('exit', (exitCode) => {
      clearTimeout(killer)
      resolve({ exitCode, stdout })
    })
  })

it('declares @azure/identity as an optional peer and nothing as a run-time dependency', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
  expect(pkg.dependencies ?? {}).toEqual({})
  expect(pkg.peerDependencies['@azure/identity']).toBeTruthy()
  expect(pkg.peerDependenciesMeta['@azure/identity']).toEqual({ optional: true })
})

it('without @azure/identity: a TokenCredential works, a credential config is reported as MISSING_DEPENDENCY', async () => {
  emulator.reset()
  const code = `
    import { createLogsIngestionClient } from './index.mjs'
    const drops = []
    const base = { endpoint: process.env.DCR_LOGS_ENDPOINT, ruleId: process.env.DCR_LOGS_RULE_ID, lingerMs: 10,
      onDrop: (e) => drops.push({ reason: e.reason, code: e.error.cause?.code, message: e.error.cause?.message }) }
    const token = process.env.TEST_TOKEN
    const direct = createLogsIngestionClient({ ...base,
      credential: { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 600_000 }) } })
    direct.push({ Body: 'with a TokenCredential' })
    await direct.close()
    const config = createLogsIngestionClient({ ...base,
      credential: { type: 'clientSecret', tenantId: 't', clientId: 'c', clientSecret: 's' } })
    config.push({ Body: 'with a config' })
    await config.close()
    console.log(JSON.stringify({ drops, stats: config.stats().records }))
  `
  const result = await run(code, {
    DCR_LOGS_ENDPOINT: emulator.endpoint,
    DCR_LOGS_RULE_ID: emulator.rules[0]!.ruleId,
    NODE_EXTRA_CA_CERTS: emulator.caFile,
    TEST_TOKEN: emulator.createAccessToken(),
  })
  expect(result.exitCode).toBe(0)
  const out = JSON.parse(result.stdout) as {
    drops: { reason: string; code: string; message: string }[]
    stats: { dropped: number }
  }
  expect(emulator.rows<{ Body: string }>('AppLogs_CL').map((r) => r.Body)).toEqual(['with a TokenCredential'])
  expect(out.drops).toHaveLength(1)
  expect(out.drops[0]).toMatchObject({ reason: 'auth-failed', code: 'MISSING_DEPENDENCY' })
  expect(out.drops[0]!.message).toMatch(/optional peer dependency @azure\/identity.*npm install @azure\/identity/)
  expect(out.stats.dropped).toBe(1)
})
