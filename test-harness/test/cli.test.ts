import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
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

const run = (args: string[]) => {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
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
      ]),
    )
    expect(info.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    expect(info.rules[0]).toMatchObject({ ruleId: 'dcr-00112233445566778899aabbccddeeff', streams: ['Custom-AppLogs'] })
    const emulator = { ...info, rules: info.rules } as unknown as Parameters<typeof ingest>[0]
    expect((await ingest(emulator, [{ Body: 'from the CLI' }])).status).toBe(204)
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
    await expect(parseCliOptions(['--port', 'abc'])).rejects.toThrow('--port must be a non-negative integer')
    await expect(parseCliOptions(['--param', 'novalue'])).rejects.toThrow('--param expects key=value')
  })
})
