/** `dcr-logs send` as users run it: the built command in a child process, against the emulator over HTTPS. */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type Emulator, startEmulator } from '@dcr-logs/test-harness'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { cleanEnv, REPO_DIR, runCli, tempDir } from './helpers.ts'

let emulator: Emulator
let dir: string
let remove: () => void
beforeAll(async () => {
  emulator = await startEmulator()
  ;({ dir, remove } = tempDir())
})
afterAll(async () => {
  await emulator?.close()
  remove()
})
beforeEach(() => {
  emulator.reset()
})

const env = () => ({ ...cleanEnv(), ...emulator.env })
const record = (i: number) => ({
  TimeGenerated: new Date().toISOString(),
  SeverityText: 'info',
  SeverityNumber: 9,
  Body: `line ${i}`,
  Attributes: { i },
})
const lines = (n: number, from = 0) => Array.from({ length: n }, (_, k) => JSON.stringify(record(from + k))).join('\n')
const rows = () => emulator.rows('AppLogs_CL') as Record<string, unknown>[]

describe('dcr-logs send', () => {
  it('sends a file, reports each bad line with its number, keeps going, and exits 1', async () => {
    writeFileSync(join(dir, 'logs.jsonl'), `${lines(500)}\nnot json\n\n[1,2]\n${lines(500, 500)}\n{"Body":"trunc`)
    const result = await runCli(['send', 'logs.jsonl'], { cwd: dir, env: env() })
    expect(result.code, result.stderr).toBe(1)
    expect(rows()).toHaveLength(1000)
    expect(new Set(rows().map((r) => (r['Attributes'] as { i: number }).i)).size).toBe(1000)
    const err = result.stderr.split('\n')
    expect(err.slice(0, 3)).toEqual([
      `line 501: not JSON (Unexpected token 'o', "not json" is not valid JSON): "not json"`,
      'line 503: a JSON record must be an object, not an array',
      expect.stringMatching(/^line 1004: not JSON \(.*\): "\{\\"Body\\":\\"trunc"$/),
    ])
    expect(err[3]).toMatch(
      /^dcr-logs send: 1,000 records from logs\.jsonl in [\d.]+ m?s: 1,000 delivered, 0 dropped, 3 bad lines \(line 501, 503, 1004\)$/,
    )
    expect(result.stdout).toBe('')
  })

  it('reads stdin when there is no file, and exits 0 when every record is delivered', async () => {
    const result = await runCli(['send'], { cwd: dir, env: env(), input: `${lines(50)}\n` })
    expect(result.code, result.stderr).toBe(0)
    expect(result.stderr).toMatch(
      /^dcr-logs send: 50 records from stdin in [\d.]+ m?s: 50 delivered, 0 dropped, 0 bad lines\n$/,
    )
    expect(rows()).toHaveLength(50)
  })

  it('with --dcr, converts values to the declared types and reports each undeclared field once', async () => {
    writeFileSync(join(dir, 'dcr.json'), readFileSync(join(REPO_DIR, 'deploy/app-logs.dcr.json')))
    const input = [
      { TimeGenerated: new Date().toISOString(), SeverityNumber: '13', Body: 'slow', tenant: 't-1' },
      { TimeGenerated: Date.now(), SeverityNumber: 17, Body: 'failed', tenant: 't-2', TraceFlags: 'x' },
    ]
      .map((r) => JSON.stringify(r))
      .join('\n')
    const result = await runCli(['send', '--dcr', 'dcr.json', '-'], { cwd: dir, env: env(), input })
    expect(result.code).toBe(1)
    expect(result.stderr.split('\n').slice(0, 2)).toEqual([
      "line 1: field 'tenant' is not declared in Custom-AppLogs: not sent (reported once)",
      `line 2: 'TraceFlags' (int) "x" is not a number: not sent (reported once)`,
    ])
    expect(result.stderr).toContain('2 delivered, 0 dropped, 0 bad lines\n  3 fields or values not sent')
    expect(rows().map((r) => [r['SeverityNumber'], r['Body'], r['TimeGenerated'] instanceof Date])).toEqual([
      [13, 'slow', true],
      [17, 'failed', true],
    ])
  })

  it('takes the endpoint, rule id and stream from a DCR GET response given as --dcr', async () => {
    const rule = emulator.rules[0]!
    const dcr = JSON.parse(readFileSync(join(REPO_DIR, 'deploy/app-logs.dcr.json'), 'utf8'))
    // what `az rest --method get --url "$DCR_ID?api-version=2023-03-11"` returns
    dcr.properties.immutableId = rule.ruleId
    dcr.properties.endpoints = { logsIngestion: rule.endpoint }
    writeFileSync(join(dir, 'get.json'), JSON.stringify(dcr))
    const connection = { DCR_LOGS_ENDPOINT: undefined, DCR_LOGS_RULE_ID: undefined, DCR_LOGS_STREAM_NAME: undefined }
    const result = await runCli(['send', '--dcr', 'get.json'], {
      cwd: dir,
      env: { ...env(), ...connection },
      input: lines(4),
    })
    expect(result.code, result.stderr).toBe(0)
    expect(rows()).toHaveLength(4)
  })

  it('counts what the service refuses as dropped, with the reason and what to do', async () => {
    emulator.setFaults([
      {
        fault: {
          type: 'status',
          status: 403,
          code: 'OperationFailed',
          message: 'The authentication token provided does not have access',
        },
      },
    ])
    const result = await runCli(['send'], {
      cwd: dir,
      env: { ...env(), DCR_LOGS_FORBIDDEN_RETRY_MS: '0' },
      input: lines(3),
    })
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(
      /3 records from stdin in .*: 0 delivered, 3 dropped \(forbidden 3\), 0 bad lines\n {2}forbidden: .*Monitoring Metrics Publisher/s,
    )
  })

  it('on SIGINT sends what it read, prints the summary, and exits 130', async () => {
    const result = await runCli(['send'], {
      cwd: dir,
      env: { ...env(), DCR_LOGS_LINGER_MS: '50' },
      input: `${lines(5)}\n`,
      keepStdinOpen: true,
      control: async (child) => {
        await emulator.waitForRows('AppLogs_CL', 5)
        child.kill('SIGINT')
      },
    })
    expect(result.code).toBe(130)
    expect(result.stderr).toMatch(
      /^dcr-logs send: 5 records from stdin \(stopped by SIGINT\) in [\d.]+ m?s: 5 delivered, 0 dropped, 0 bad lines\n$/,
    )
  })
})

describe('dcr-logs send usage', () => {
  it('exits 2 with what to set when the connection is not configured', async () => {
    const result = await runCli(['send', '-'], { cwd: dir, env: cleanEnv(), input: '' })
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(
      /^dcr-logs send: Invalid option "endpoint": expected the https URL .*DCR_LOGS_ENDPOINT.* Run "dcr-logs send --help" for usage\.\n$/,
    )
  })

  it('exits 2 for a missing file or two files', async () => {
    expect(await runCli(['send', 'nope.jsonl'], { cwd: dir, env: env() })).toMatchObject({
      code: 2,
      stderr: 'dcr-logs send: file: cannot read nope.jsonl (no such file)\n',
    })
    expect((await runCli(['send', 'a', 'b'], { cwd: dir, env: env() })).stderr).toContain('one input file at most')
  })
})
