/** The `dcr-logs-pino` pipeline CLI, spawned from dist like a user's shell would. */
import { readFileSync } from 'node:fs'
import { type Emulator, startEmulator } from '@dcr-logs/test-harness'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { DIST_CLI, type Row, runNode, TABLE } from './helpers.ts'

let emulator: Emulator
beforeAll(async () => {
  emulator = await startEmulator()
})
afterAll(async () => {
  await emulator?.close()
})
beforeEach(() => {
  emulator.reset()
})

const rows = (): Row[] => emulator.rows(TABLE) as Row[]
const pinoLines = (n: number, from = 0): string =>
  Array.from(
    { length: n },
    (_, k) =>
      `${JSON.stringify({ level: 30, time: Date.now(), pid: 1, hostname: 'h', i: from + k, msg: `line ${from + k}` })}\n`,
  ).join('')

/** The environment without any DCR_LOGS_* / AZURE_* the test process may have. */
const cleanEnv = (): Record<string, string | undefined> =>
  Object.fromEntries(
    Object.keys(process.env)
      .filter((k) => /^(DCR_LOGS_|AZURE_)/.test(k))
      .map((k) => [k, undefined]),
  )

describe('dcr-logs-pino', () => {
  it('keeps the shebang in the build, so npm can link it as a command', () => {
    expect(readFileSync(DIST_CLI, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true)
  })

  it('ships stdin, passes it through unchanged, skips bad lines and prints a summary', async () => {
    const input = `${pinoLines(500)}not json at all\n${pinoLines(500, 500)}{"level":30,"msg":"trunc`
    const result = await runNode([DIST_CLI, '--passthrough'], { env: { ...cleanEnv(), ...emulator.env }, input })
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toBe(input)
    expect(rows()).toHaveLength(1_000)
    expect(new Set(rows().map((r) => (r['Attributes'] as { i: number }).i)).size).toBe(1_000)
    expect(result.stderr).toMatch(
      /1000 lines shipped in [\d.]+ s: 1000 delivered, 0 dropped, 2 invalid line\(s\) skipped \(not-json 2\)/,
    )
  })

  it('takes the connection from flags and the credential from AZURE_* variables', async () => {
    const env = {
      ...cleanEnv(),
      ...emulator.env,
      DCR_LOGS_ENDPOINT: undefined,
      DCR_LOGS_RULE_ID: undefined,
      DCR_LOGS_STREAM_NAME: undefined,
    }
    const args = [
      DIST_CLI,
      '--endpoint',
      emulator.endpoint,
      '--rule-id',
      emulator.rules[0]!.ruleId,
      '--stream-name',
      'Custom-AppLogs',
    ]
    const result = await runNode([...args, '--service-name', 'from-cli', '-q'], { env, input: pinoLines(10) })
    expect(result.code, result.stderr).toBe(0)
    expect(result.stderr).toBe('')
    expect(rows()).toHaveLength(10)
    expect(rows()[0]).toMatchObject({ ServiceName: 'from-cli', HostName: 'h', SeverityNumber: 9 })
  })

  it('flushes what it read on SIGTERM', async () => {
    const result = await runNode([DIST_CLI, '--passthrough', '--linger-ms', '600000'], {
      env: { ...cleanEnv(), ...emulator.env },
      // stdin stays open: only the signal ends the run; passthrough shows when the lines were read
      openInput: pinoLines(100),
      onStdout: (out, kill) => out.split('\n').length > 100 && kill('SIGTERM'),
    })
    expect(result.code, result.stderr).toBe(0)
    expect(rows()).toHaveLength(100)
    expect(result.stderr).toMatch(/100 lines shipped after SIGTERM/)
  })

  it('exits with 2 and names the missing option when the configuration is incomplete', async () => {
    const result = await runNode([DIST_CLI], { env: cleanEnv(), input: pinoLines(1) })
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/endpoint/)
    expect(result.stderr).toMatch(/DCR_LOGS_ENDPOINT/)
    expect(result.stderr).toMatch(/--help/)
  })

  it('exits with 1 and says why when records could not be delivered', async () => {
    const env = { ...cleanEnv(), ...emulator.env, DCR_LOGS_STREAM_NAME: 'Custom-Nope' }
    const result = await runNode([DIST_CLI], { env, input: pinoLines(5) })
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/0 delivered, 5 dropped \(not-found 5\)/)
  })

  it('prints usage with --help', async () => {
    const result = await runNode([DIST_CLI, '--help'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/Usage: node app.js \| dcr-logs-pino/)
  })
})
