import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterEach, beforeAll, describe, expect, test } from 'vitest'
import { parseCliOptions } from '../src/cli-options.ts'
import type { EmulatorInfo } from '../src/index.ts'
import { ingest, send } from './helpers.ts'

// The CLI is what users run: test the built file, as `pnpm emulator` does (turbo builds before test).
const CLI = join(import.meta.dirname, '..', 'dist', 'cli.mjs')
const FIXTURES = join(import.meta.dirname, 'fixtures', 'dcr')
const children: ChildProcess[] = []
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGTERM')
})

const run = (args: string[], env: NodeJS.ProcessEnv = process.env) => {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env })
  children.push(child)
  const lines = createInterface({ input: child.stdout! })
  const stderr: string[] = []
  child.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()))
  return { child, lines, stderr }
}

const firstLines = (lines: ReturnType<typeof createInterface>, n: number): Promise<string[]> =>
  new Promise((resolve) => {
    const out: string[] = []
    lines.on('line', (l) => {
      out.push(l)
      if (out.length === n) resolve(out)
    })
  })

const exit = (child: ChildProcess): Promise<number | null> =>
  new Promise((resolve) => child.once('exit', (code) => resolve(code)))

beforeAll(() => {
  if (!existsSync(CLI))
    throw new Error(`${CLI} is missing: run \`pnpm build\` in test-harness first (turbo does it before test).`)
})

describe('dcr-logs-emulator CLI', () => {
  test('the built file keeps its shebang', () => {
    expect(readFileSync(CLI, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true)
  })

  test('--json prints exactly one JSON line with the API fields, then serves', async () => {
    const { child, lines } = run(['--json'])
    const [line] = await firstLines(lines, 1)
    const info = JSON.parse(line!) as EmulatorInfo
    expect(Object.keys(info)).toEqual(
      expect.arrayContaining([
        'endpoint',
        'authorityHost',
        'tenantId',
        'clientId',
        'clientSecret',
        'caCertificate',
        'caFile',
        'rules',
        'credentialConfig',
        'env',
        'certificateFile',
        'credentialConfigs',
        'credentialEnv',
        'managedIdentity',
        'workloadIdentity',
        'queryEndpoint',
        'workspaceId',
        'workspaces',
        'dashboardUrl',
      ]),
    )
    expect(info.queryEndpoint).toBe(`${info.endpoint}/v1`)
    expect(info.workspaceId).toBe('00112233-4455-4677-8899-aabbccddeeff')
    expect(info.workspaces).toEqual([
      expect.objectContaining({ workspaceId: info.workspaceId, tables: ['AppLogs_CL'] }),
    ])
    expect(info.dashboardUrl).toBe(`${info.endpoint}/_emulator/dashboard/`)
    expect(info.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    expect(info.rules[0]).toMatchObject({ ruleId: 'dcr-00112233445566778899aabbccddeeff', streams: ['Custom-AppLogs'] })
    const emulator = { ...info, rules: info.rules } as unknown as Parameters<typeof ingest>[0]
    expect((await ingest(emulator, [{ Body: 'from the CLI' }])).status).toBe(204)
    // The same fields, with the same values, as emulator.info() (served by the control endpoint).
    expect((await send(info, '/_emulator/info')).json()).toEqual(info)
    const rows = await send(info, '/_emulator/rows/AppLogs_CL')
    expect(rows.json()).toEqual([expect.objectContaining({ Body: 'from the CLI' })])
    let extra = ''
    lines.on('line', (l) => {
      extra += l
    })
    child.kill('SIGTERM')
    expect(await exit(child)).toBe(0)
    expect(extra).toBe('')
  })

  test('prints paste-able env lines and loads --dcr files with --param', async () => {
    const { lines } = run([
      '--dcr',
      join(FIXTURES, 'docs-tutorial-arm-direct-resource.json'),
      '--dcr',
      join(FIXTURES, 'docs-samples-text-logs.json'),
      '--param',
      'dataCollectionRuleName=tutorial',
      '--param',
      'location=eastus',
      '--param',
      'workspaceResourceId=/subscriptions/x/ws',
    ])
    const out = (await firstLines(lines, 16)).slice(0, 16).join('\n')
    expect(out).toMatch(/^export DCR_LOGS_ENDPOINT='https:\/\/127\.0\.0\.1:\d+'$/m)
    expect(out).toMatch(/^export DCR_LOGS_STREAM_NAME='Custom-MyTable'$/m)
    expect(out).toMatch(/^export NODE_EXTRA_CA_CERTS='.+ca\.pem'$/m)
    expect(out).toMatch(/^ {2}dcr-[0-9a-f]{32} {2}tutorial {2}Custom-MyTable$/m)
    expect(out).toMatch(/^ {2}dcr-[0-9a-f]{32} {2}docs-samples-text-logs {2}Custom-MyLogFileFormat$/m)
  })

  test('the printout names the query endpoint, each workspace id, the dashboard and every credential type', async () => {
    const { lines } = run([])
    const out = await new Promise<string>((resolve) => {
      const seen: string[] = []
      lines.on('line', (l) => {
        seen.push(l)
        if (l.startsWith('Press Ctrl-C')) resolve(seen.join('\n'))
      })
    })
    expect(out).toMatch(
      /^Workspaces \(id for queryWorkspace, name, tables\):\n {2}00112233-4455-4677-8899-aabbccddeeff {2}default {2}AppLogs_CL$/m,
    )
    expect(out).toMatch(
      /^ {2}query: {7}new LogsQueryClient\(credential, \{ endpoint: 'https:\/\/127\.0\.0\.1:\d+\/v1' \}\)/m,
    )
    expect(out).toMatch(/^ {2}dashboard: {3}https:\/\/127\.0\.0\.1:\d+\/_emulator\/dashboard\/$/m)
    // and every credential type next to them
    expect(out).toMatch(/^ {2}certificate: .+app-certificate\.pem \(AZURE_CLIENT_CERTIFICATE_PATH/m)
    expect(out).toMatch(/^ {2}workload: {4}.+federated-token\.jwt \(AZURE_FEDERATED_TOKEN_FILE/m)
    expect(out).toMatch(/^ {2}managed id: {2}IDENTITY_ENDPOINT=https:\/\/127\.0\.0\.1:\d+\//m)
  })

  test('--json with --dcr, --faults and --throttle-requests: the DCR from the file is served with the plan active', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dcr-logs-cli-'))
    const plan = join(dir, 'faults.json')
    writeFileSync(plan, JSON.stringify([{ fault: { type: 'status', status: 503, retryAfterSeconds: 2 }, times: 1 }]))
    try {
      const { lines } = run([
        '--json',
        '--dcr',
        join(FIXTURES, 'docs-ingestion-overview-direct.json'),
        '--faults',
        plan,
        '--throttle-requests',
        '2',
      ])
      const [line] = await firstLines(lines, 1)
      const info = JSON.parse(line!) as EmulatorInfo
      expect(info.rules).toEqual([
        expect.objectContaining({
          name: 'docs-ingestion-overview-direct',
          streams: ['Custom-MyTable'],
          kind: 'Direct',
        }),
      ])
      expect(info.env['DCR_LOGS_STREAM_NAME']).toBe('Custom-MyTable')
      const emulator = info as unknown as Parameters<typeof ingest>[0]
      const first = await ingest(emulator, [{ Computer: 'a' }])
      expect([first.status, first.headers['retry-after']]).toEqual([503, '2'])
      expect((await ingest(emulator, [{ Computer: 'b' }])).status).toBe(204)
      expect((await ingest(emulator, [{ Computer: 'c' }])).status).toBe(204)
      expect((await ingest(emulator, [{ Computer: 'd' }])).status).toBe(429)
      expect((await send(info, '/_emulator/counts')).json()).toEqual({ MyTable_CL: 2 })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test('--data-dir: rows and credentials are still there after SIGTERM and a new start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dcr-logs-cli-data-'))
    // As in CI: no test-run CA, so the CA lives in the data dir too.
    const { DCR_LOGS_EMULATOR_CA_DIR: _ca, ...env } = process.env
    try {
      const first = run(['--json', '--data-dir', dir], env)
      const a = JSON.parse((await firstLines(first.lines, 1))[0]!) as EmulatorInfo
      expect((await ingest(a as unknown as Parameters<typeof ingest>[0], [{ Body: 'kept' }])).status).toBe(204)
      first.child.kill('SIGTERM')
      expect(await exit(first.child)).toBe(0)
      const second = run(['--json', '--data-dir', dir], env)
      const b = JSON.parse((await firstLines(second.lines, 1))[0]!) as EmulatorInfo
      expect([b.tenantId, b.clientSecret, b.caFile]).toEqual([a.tenantId, a.clientSecret, join(dir, 'ca.pem')])
      expect((await send(b, '/_emulator/rows/AppLogs_CL')).json()).toEqual([expect.objectContaining({ Body: 'kept' })])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test('bad arguments exit with 2 and the usage; a bad DCR exits with 1 and the reason', async () => {
    const bad = run(['--bogus'])
    expect(await exit(bad.child)).toBe(2)
    expect(bad.stderr.join('')).toContain('Usage: dcr-logs-emulator')
    const missing = run(['--dcr', join(FIXTURES, 'docs-tutorial-arm-direct-resource.json')])
    expect(await exit(missing.child)).toBe(1)
    expect(missing.stderr.join('')).toContain("parameter 'dataCollectionRuleName' has no value")
  })
})

describe('CLI option parsing', () => {
  test('maps flags to emulator options', async () => {
    const { options, json } = await parseCliOptions([
      '--port',
      '8443',
      '--param',
      'n=5',
      '--param',
      's=text',
      '--throttle-requests',
      '10',
      '--throttle-window-ms',
      '1000',
      '--audience',
      'https://monitor.azure.us',
      '--token-lifetime',
      '120',
      '--no-retain-rows',
      '--json',
    ])
    expect(json).toBe(true)
    expect(options).toMatchObject({
      port: 8443,
      parameters: { n: 5, s: 'text' },
      throttle: { requestsPerWindow: 10, windowMs: 1000 },
      audiences: ['https://monitor.azure.us'],
      tokenLifetimeSeconds: 120,
      retainRows: false,
    })
    expect((await parseCliOptions(['--no-throttle'])).options.throttle).toBe(false)
    expect(
      (
        await parseCliOptions([
          '--host',
          '0.0.0.0',
          '--public-host',
          'emulator',
          '--allow-remote-control',
          '--data-dir',
          '/data',
          '--var',
          'table=MyTable_CL',
          '--var',
          'n=3',
        ])
      ).options,
    ).toMatchObject({
      host: '0.0.0.0',
      publicHost: 'emulator',
      allowRemoteControl: true,
      dataDir: '/data',
      variables: { table: 'MyTable_CL', n: 3 },
    })
    await expect(parseCliOptions(['--var', 'x'])).rejects.toThrow('--var expects key=value')
    await expect(parseCliOptions(['--port', 'abc'])).rejects.toThrow('--port must be a non-negative integer')
    await expect(parseCliOptions(['--param', 'novalue'])).rejects.toThrow('--param expects key=value')
  })
})
