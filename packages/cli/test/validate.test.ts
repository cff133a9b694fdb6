import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { renderFiles } from '../src/init/files.ts'
import { planInit } from '../src/init/plan.ts'
import { REPO_DIR, run, tempDir } from './helpers.ts'

let dir: string
let remove: () => void
const now = Date.parse('2026-06-01T12:00:00Z')
const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString()
const write = (name: string, content: unknown) => {
  writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content))
  return name
}
const jsonl = (...records: unknown[]) => records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n')
const validate = (...args: string[]) => run(['validate', ...args], { cwd: dir, now })

/** The files `dcr-logs init` writes for AppLogs_CL, with the template's transformKql replaced when asked. */
const initFiles = (transformKql?: string) => {
  for (const f of renderFiles(planInit({ preset: 'default' }))) {
    let content = f.content
    if (transformKql !== undefined && f.role === 'arm') {
      const arm = JSON.parse(content)
      arm.resources[1].properties.dataFlows[0].transformKql = transformKql
      content = JSON.stringify(arm)
    }
    write(f.name, content)
  }
}

beforeAll(() => {
  ;({ dir, remove } = tempDir())
})
afterAll(() => remove())

describe('dcr-logs validate --sample', () => {
  it('catches a misspelled field and a wrong type before anything is sent, and exits 1', async () => {
    initFiles()
    write(
      'logs.jsonl',
      jsonl(
        { TimeGenerated: at(1), Bdoy: 'order placed', SeverityNumber: 9 },
        { TimeGenerated: at(1), Body: 'x', SeverityNumber: 'high' },
      ),
    )
    const result = await validate('--dcr', 'app-logs.azuredeploy.json', '--sample', 'logs.jsonl')
    expect(result.code).toBe(1)
    expect(result.stdout).toBe(
      [
        'dcr-logs validate: app-logs.azuredeploy.json, 2 sample records from logs.jsonl into Custom-AppLogs',
        '',
        "error   logs.jsonl line 1: field 'Bdoy' is not declared in Custom-AppLogs: Azure drops it without an error (did you mean 'Body'? names are case-sensitive); declare it in the DCR and the table, or send it inside a dynamic column [UndeclaredField]",
        `error   logs.jsonl line 2: 'SeverityNumber' is declared int, but "high" is not a number: the value is lost (the column is stored empty) [TypeMismatch]`,
        '',
        '2 errors, 0 warnings, 0 notes: Azure would refuse this DCR or drop data from these records without an error.',
        '',
      ].join('\n'),
    )
  })

  it('passes records that fit, and exits 0', async () => {
    initFiles()
    write(
      'good.jsonl',
      jsonl({ TimeGenerated: at(5), Body: 'ok', SeverityNumber: 9, Attributes: { any: ['thing'] } }, ''),
    )
    const result = await validate('--dcr', 'app-logs.azuredeploy.json', '--sample', 'good.jsonl')
    expect(result).toMatchObject({ code: 0, stderr: '' })
    expect(result.stdout).toContain('1 sample record from good.jsonl into Custom-AppLogs\n\nNo problems found.\n')
  })

  it('reports bad lines with their numbers, converted values and the TimeGenerated window', async () => {
    initFiles()
    write(
      'mixed.jsonl',
      jsonl({ TimeGenerated: at(1), SeverityNumber: '13' }, 'oops', [1], { TimeGenerated: '2020-01-01T00:00:00Z' }),
    )
    const { stdout, code } = await validate('--dcr', 'app-logs.azuredeploy.json', '--sample', 'mixed.jsonl')
    expect(code).toBe(1)
    expect(stdout).toContain('error   mixed.jsonl lines 2, 3: not a record, so it would not be sent (first: not JSON')
    expect(stdout).toContain(
      `warning mixed.jsonl line 1: 'SeverityNumber' is declared int, but holds string "13": the service may convert it or store it empty`,
    )
    expect(stdout).toContain(
      'warning mixed.jsonl line 4: TimeGenerated 2020-01-01T00:00:00.000Z is more than 2 days old or 1 day ahead: Azure replaces it',
    )
  })

  it('warns that records a transformation filters are still sent, and billed above 50%', async () => {
    initFiles('source | where SeverityNumber >= 13')
    const info = { TimeGenerated: at(1), SeverityNumber: 9, Body: 'i' }
    write('levels.jsonl', jsonl(info, info, info, { ...info, SeverityNumber: 17 }))
    const result = await validate('--dcr', 'app-logs.azuredeploy.json', '--sample', 'levels.jsonl')
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(
      'warning levels.jsonl: transformKql of data flow 0 filters out 3 of 4 sample records (75%): they are still sent, and with more than 50% filtered the excess is billed as data processing; drop them in the logger (its level) instead [FilteredByTransformation]',
    )
    expect((await validate('--strict', '--dcr', 'app-logs.azuredeploy.json', '--sample', 'levels.jsonl')).code).toBe(1)
  })
})

describe('dcr-logs validate --dcr', () => {
  it('finds the columns a transformation writes that the table lacks: Azure drops them silently', async () => {
    initFiles("source | extend Region = 'westeurope'")
    const { stdout, code } = await validate('--dcr', 'app-logs.azuredeploy.json')
    expect(code).toBe(1)
    expect(stdout).toContain(
      `error   app-logs.azuredeploy.json: properties.dataFlows[0]: Custom-AppLogs → AppLogs_CL writes column 'Region', which AppLogs_CL does not have: Azure drops it without an error (DCR metric "Log Columns Dropped per Min")`,
    )
    // the table schema can also come from its own file
    const body = await validate('--dcr', 'app-logs.dcr.json', '--table-schema', 'app-logs.table.json')
    expect(body.stdout).not.toContain('ColumnNotInTable')
    expect(body.stdout).toContain('[Placeholder]')
    expect(body.code).toBe(0)
  })

  it('refuses transformKql outside the supported subset, and names what it does not check', async () => {
    const dcr = JSON.parse(readFileSync(join(REPO_DIR, 'deploy/app-logs.dcr.json'), 'utf8'))
    const flow = dcr.properties.dataFlows[0]
    const variants = {
      'summarize.json': 'source | summarize count() by SeverityText',
      'function.json': "source | extend Y = replace_string(Body, 'a', 'b')",
      'column.json': 'source | where Severity > 3',
      'geo.json': "source | extend Where = geo_location('1.1.1.1')",
    }
    const out: string[] = []
    for (const [name, kql] of Object.entries(variants)) {
      write(name, { ...dcr, properties: { ...dcr.properties, dataFlows: [{ ...flow, transformKql: kql }] } })
      const r = await validate('--dcr', name)
      out.push(`${r.code} ${r.stdout.split('\n').find((l) => l.includes('transformKql')) ?? ''}`)
    }
    expect(out).toEqual([
      '1 error   summarize.json: properties.dataFlows[0].transformKql: The \'summarize\' operator is not supported in transformations (records are processed one at a time) (at character 10). Transformations support a subset of KQL: see "Supported KQL features in Azure Monitor transformations" [InvalidTransformQuery]',
      '1 error   function.json: properties.dataFlows[0].transformKql: The function \'replace_string\' is not supported in transformations (see the supported KQL list) (at character 21). Transformations support a subset of KQL: see "Supported KQL features in Azure Monitor transformations" [InvalidTransformQuery]',
      "1 error   column.json: properties.dataFlows[0].transformKql: Failed to resolve scalar expression named 'Severity' (at character 16): Custom-AppLogs has no column 'Severity' (did you mean 'SeverityText'?). Transformations support a subset of KQL: see \"Supported KQL features in Azure Monitor transformations\" [InvalidTransformQuery]",
      '0 note    geo.json: properties.dataFlows[0].transformKql: not checked: geo_location() is supported by the service but not by the emulator (at character 25) (Azure supports it; the local engine does not run it) [TransformNotChecked]',
    ])
  })

  it('reports reserved and invalid column names and a DCR that is not Direct', async () => {
    write('bad.json', {
      location: 'westeurope',
      properties: {
        streamDeclarations: {
          'Custom-X': {
            columns: [
              { name: 'TimeGenerated', type: 'datetime' },
              { name: 'TenantId', type: 'string' },
              { name: 'a'.repeat(46), type: 'string' },
            ],
          },
        },
        destinations: { logAnalytics: [{ workspaceResourceId: '/subscriptions/s/ws', name: 'ws' }] },
        dataFlows: [{ streams: ['Custom-X'], destinations: ['ws'], outputStream: 'Custom-X_CL' }],
      },
    })
    const { stdout, code } = await validate('--dcr', 'bad.json')
    expect(code).toBe(1)
    expect(stdout.split('\n').filter((l) => /^(error|warning)/.test(l))).toEqual([
      "error   bad.json: properties.streamDeclarations['Custom-X'].columns[1]: 'TenantId' is a name the service reserves; rename it, e.g. to 'TenantId_' [InvalidColumnName]",
      `error   bad.json: properties.streamDeclarations['Custom-X'].columns[2]: '${'a'.repeat(46)}' is too long: column names have 2 to 45 characters; rename it, e.g. to '${'a'.repeat(45)}' [InvalidColumnName]`,
      'warning bad.json: kind: kind is missing: the DCR gets no logs ingestion endpoint. Create it with "kind": "Direct" (it cannot be added later), or send through a data collection endpoint (DCE) [NotDirect]',
    ])
  })

  it("accepts Microsoft's published sample DCR, and prints JSON for other tools", async () => {
    const sample = readFileSync(
      join(REPO_DIR, 'test-harness/test/fixtures/dcr/docs-samples-logs-ingestion-api.json'),
      'utf8',
    )
    write('ms.json', sample)
    const result = await validate('--dcr', 'ms.json', '--json')
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({
      ok: true,
      errors: 0,
      warnings: 0,
      findings: [{ severity: 'info', code: 'TableNotChecked', where: 'ms.json: properties.dataFlows[0]' }],
    })
  })
})

describe('dcr-logs validate usage', () => {
  it('exits 2 with what to do when the input is missing or unreadable', async () => {
    write('main.bicep', "param x string = 'a'")
    const cases = [
      [[], '--dcr <file> is required: the DCR to check.'],
      [['--dcr', 'missing.json'], '--dcr: cannot read missing.json (no such file)'],
      [['--dcr', 'main.bicep'], 'Bicep files cannot be read: use the ARM template or the .dcr.json'],
      [['--dcr', 'ms.json', '--sample', 'nope.jsonl'], '--sample: cannot read'],
      [['--dcr', 'ms.json', '--bogus'], 'unknown option \'--bogus\'. Run "dcr-logs validate --help" for usage.'],
    ] as const
    for (const [args, message] of cases) {
      const r = await validate(...args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr).toContain(message)
    }
  })

  it('asks which stream when the DCR declares several', async () => {
    const dcr = JSON.parse(readFileSync(join(REPO_DIR, 'deploy/app-logs.dcr.json'), 'utf8'))
    dcr.properties.streamDeclarations['Custom-Audit'] = { columns: [{ name: 'TimeGenerated', type: 'datetime' }] }
    write('two.json', dcr)
    write('one.jsonl', jsonl({ TimeGenerated: at(1) }))
    const r = await validate('--dcr', 'two.json', '--sample', 'one.jsonl')
    expect(r).toMatchObject({
      code: 2,
      stderr: expect.stringContaining(
        'declares several streams (Custom-AppLogs, Custom-Audit); say which one the samples go to with --stream',
      ),
    })
    expect((await validate('--dcr', 'two.json', '--sample', 'one.jsonl', '--stream', 'Custom-Audit')).stdout).toContain(
      'into Custom-Audit',
    )
  })
})
