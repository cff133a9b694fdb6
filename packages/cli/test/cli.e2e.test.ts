/** The built `dcr-logs` command as a shell runs it: help, version, and init → validate on real files. */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIST_CLI, PACKAGE_DIR, runCli, tempDir } from './helpers.ts'

let dir: string
let remove: () => void
beforeAll(() => {
  ;({ dir, remove } = tempDir())
})
afterAll(() => remove())

describe('dcr-logs', () => {
  it('keeps the shebang in the build, so npm can link it as a command', () => {
    expect(readFileSync(DIST_CLI, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true)
    expect(JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')).bin).toEqual({
      'dcr-logs': './dist/cli.mjs',
    })
  })

  it('prints usage, the version, and refuses unknown commands with exit 2', async () => {
    const help = await runCli(['--help'], { cwd: dir })
    expect(help).toMatchObject({ code: 0, stderr: '' })
    expect(help.stdout).toMatch(/^Usage: dcr-logs <command> \[options\]\n\nCommands\n {2}init {7}write the table/)
    expect((await runCli(['--version'], { cwd: dir })).stdout).toBe(
      `${JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')).version}\n`,
    )
    expect(await runCli(['deploy'], { cwd: dir })).toMatchObject({
      code: 2,
      stderr: 'dcr-logs: unknown command "deploy"; the commands are init, validate, send. Run "dcr-logs --help".\n',
    })
    expect((await runCli([], { cwd: dir })).code).toBe(2)
    for (const command of ['init', 'validate', 'send']) {
      const r = await runCli([command, '--help'], { cwd: dir })
      expect(r.stdout, command).toMatch(new RegExp(`^Usage: dcr-logs ${command} `))
      expect(r.stdout, command).toContain('Exit codes:')
    }
  })

  it('init writes the files and says how to create them; a second init refuses to overwrite', async () => {
    const first = await runCli(['init', '--out', 'azure'], { cwd: dir })
    expect(first.code, first.stderr).toBe(0)
    expect(readdirSync(join(dir, 'azure')).sort()).toEqual([
      'app-logs.azuredeploy.json',
      'app-logs.bicep',
      'app-logs.dcr.json',
      'app-logs.setup.sh',
      'app-logs.table.json',
    ])
    expect(first.stdout).toContain(
      'AppLogs_CL (custom table) ← stream Custom-AppLogs, 18 columns, DCR dcr-app-logs\n\nWrote to azure/:\n',
    )
    expect(first.stdout).toContain('  az deployment group create -g "$RG" -n dcr-app-logs -f azure/app-logs.bicep \\\n')
    expect(first.stdout).toContain(
      '  export DCR_LOGS_ENDPOINT=$(az deployment group show -g "$RG" -n dcr-app-logs --query properties.outputs.DCR_LOGS_ENDPOINT.value -o tsv)\n',
    )
    expect(first.stdout).toContain('A new role assignment takes up to 30 minutes to apply (403 until then).')
    const again = await runCli(['init', '--out', 'azure'], { cwd: dir })
    expect(again).toMatchObject({ code: 2, stdout: '' })
    expect(again.stderr).toContain('already exist in azure; add --force to overwrite, or choose another --out')
    expect((await runCli(['init', '--out', 'azure', '--force'], { cwd: dir })).code).toBe(0)
    expect(await runCli(['init', '--preset', 'nginx'], { cwd: dir })).toMatchObject({
      code: 2,
      stderr:
        'dcr-logs init: --preset must be one of default, syslog, commonSecurityLog (got "nginx"). Run "dcr-logs init --help" for usage.\n',
    })
  })

  it('init --from infers the columns; validate then catches a misspelled field and a wrong type in new records', async () => {
    const time = new Date().toISOString()
    writeFileSync(
      join(dir, 'sample.jsonl'),
      [
        { time, level: 'info', msg: 'order placed', orderId: 1001, amount: 42.5, customer: { id: 'c-1' } },
        'not a record',
        { time, level: 'warn', msg: 'payment slow', orderId: 1002, amount: 10, latencyMs: 1850 },
      ]
        .map((r) => (typeof r === 'string' ? r : JSON.stringify(r)))
        .join('\n'),
    )
    const init = await runCli(['init', '--table', 'Orders_CL', '--from', 'sample.jsonl', '--out', 'orders'], {
      cwd: dir,
    })
    expect(init.code, init.stderr).toBe(0)
    expect(init.stdout).toContain(
      [
        'Stream Custom-Orders:',
        '  time       datetime',
        '  level      string',
        '  msg        string',
        '  orderId    long',
        '  amount     real',
        '  customer   dynamic',
        '  latencyMs  long',
        "Data flow: Custom-Orders → Custom-Orders_CL, transformKql: source | extend TimeGenerated = todatetime(['time'])",
        '',
        'Notes:',
        '  - sample.jsonl: skipped 1 line(s) that are not JSON objects: line 2',
        '  - amount: mixed values (real, long): declared as real, which holds them all',
        "  - TimeGenerated: the transformation sets it from 'time'",
      ].join('\n'),
    )
    writeFileSync(
      join(dir, 'new.jsonl'),
      `${JSON.stringify({ time, level: 'info', msg: 'ok', ordreId: 1003, amount: 'twelve' })}\n`,
    )
    const check = await runCli(['validate', '--dcr', 'orders/orders.azuredeploy.json', '--sample', 'new.jsonl'], {
      cwd: dir,
    })
    expect(check.code).toBe(1)
    expect(check.stdout).toContain(
      "field 'ordreId' is not declared in Custom-Orders: Azure drops it without an error (did you mean 'orderId'?",
    )
    expect(check.stdout).toContain(`'amount' is declared real, but "twelve" is not a number: the value is lost`)
  })
})
