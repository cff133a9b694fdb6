/**
 * Every file `dcr-logs init` writes, loaded as Azure would take it: the DCR body and the ARM template into the
 * emulator (with the table schema), a record through each, and the rows checked; the Bicep file against the ARM
 * template; the az script run with a stand-in `az` that records what it was asked.
 */
import { execFile } from 'node:child_process'
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { createLogsIngestionClient, inferColumns, TABLE_PRESETS } from '@dcr-logs/core'
import { type Emulator, loadDcrs, startEmulator } from '@dcr-logs/test-harness'
import { afterAll, describe, expect, it } from 'vitest'
import { type InitFile, renderFiles } from '../src/init/files.ts'
import { type InitPlan, planInit } from '../src/init/plan.ts'
import { REPO_DIR, tempDir } from './helpers.ts'

const WORKSPACE_ID =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-logs/providers/Microsoft.OperationalInsights/workspaces/log-app'
const PARAMETERS = { workspaceName: 'log-app', location: 'westeurope' }

const file = (files: readonly InitFile[], role: InitFile['role']) => files.find((f) => f.role === role)!
const filledBody = (files: readonly InitFile[]) =>
  JSON.parse(
    file(files, 'dcr')
      .content.replaceAll('<workspace-resource-id>', WORKSPACE_ID)
      .replaceAll('<workspace-region>', 'westeurope'),
  )

const now = Date.now()
const defaultRecord = {
  TimeGenerated: new Date(now - 60_000),
  ObservedTimestamp: new Date(now - 59_000),
  SeverityText: 'warn',
  SeverityNumber: 13,
  Body: 'disk almost full',
  Attributes: { disk: '/var', freePercent: 4.5, 'client.address': '10.0.0.9' },
  Resource: { 'service.name': 'storage', 'process.pid': 77 },
  ServiceName: 'storage',
  HostName: 'node-1',
  TraceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  SpanId: '00f067aa0ba902b7',
  TraceFlags: 1,
  ScopeName: 'init-test',
  ScopeVersion: '1.0.0',
  EventName: 'disk.low',
  ExceptionType: 'DiskFullWarning',
  ExceptionMessage: 'only 4.5% free',
  ExceptionStacktrace: 'DiskFullWarning: only 4.5% free\n    at check (disk.js:1:1)',
}
const samples = [
  {
    time: new Date(now - 5_000).toISOString(),
    msg: 'order placed',
    orderId: 1001,
    amount: 42.5,
    paid: true,
    items: [{ sku: 'a' }],
  },
  {
    time: new Date(now - 4_000).toISOString(),
    msg: 'order shipped',
    orderId: 1002,
    amount: 10,
    paid: false,
    items: [],
  },
]

interface Case {
  name: string
  plan: InitPlan
  records: Record<string, unknown>[]
  /** The row each record becomes. */
  expected: (record: Record<string, unknown>) => Record<string, unknown>
}

const CASES: Case[] = [
  { name: 'default (AppLogs_CL)', plan: planInit({ preset: 'default' }), records: [defaultRecord], expected: (r) => r },
  ...(['syslog', 'commonSecurityLog'] as const).map((p) => ({
    name: `--preset ${p}`,
    plan: planInit({ preset: p }),
    records: [TABLE_PRESETS[p].map(defaultRecord)],
    expected: (r: Record<string, unknown>) => r,
  })),
  {
    name: '--from samples (Orders_CL)',
    plan: planInit({
      preset: 'default',
      table: 'Orders_CL',
      inferred: { file: 'orders.jsonl', result: inferColumns(samples) },
    }),
    records: samples,
    expected: (r) => ({ ...r, time: new Date(r['time'] as string), TimeGenerated: new Date(r['time'] as string) }),
  },
]

const emulators: Emulator[] = []
afterAll(async () => {
  await Promise.all(emulators.map((e) => e.close()))
})

describe.each(CASES)('dcr-logs init, $name', ({ plan, records, expected }) => {
  const files = renderFiles(plan)
  const arm = JSON.parse(file(files, 'arm').content)

  it('the DCR body and the ARM template load in the emulator, and records land with every value', async () => {
    const tables = plan.customTable ? [JSON.parse(file(files, 'table').content).properties.schema] : []
    const emulator = await startEmulator({
      dcrs: [{ dcr: filledBody(files), name: 'body' }, { dcr: arm }],
      parameters: PARAMETERS,
      tables,
    })
    emulators.push(emulator)
    expect(emulator.rules.map((r) => [r.name, r.kind, r.streams])).toEqual([
      ['body', 'Direct', [plan.streamName]],
      [plan.dcrName, 'Direct', [plan.streamName]],
    ])
    for (const rule of emulator.rules) {
      const client = createLogsIngestionClient({
        endpoint: rule.endpoint,
        ruleId: rule.ruleId,
        streamName: plan.streamName,
        credential: emulator.credentialConfig,
      })
      for (const r of records) expect(client.push(r)).toBe(true)
      await client.close()
      expect(client.stats().records).toMatchObject({ delivered: records.length, dropped: 0 })
    }
    const rows = await emulator.waitForRows(plan.table, 2 * records.length)
    expect(emulator.dcrErrors()).toEqual([])
    const want = records.map((r) => {
      const e = expected(r)
      // datetime columns come back as Date
      for (const c of plan.streamColumns)
        if (c.type === 'datetime' && typeof e[c.name] === 'string') e[c.name] = new Date(e[c.name] as string)
      return e
    })
    for (const [i, row] of rows.entries()) expect(row, `row ${i}`).toMatchObject(want[i % records.length]!)
  })

  it('the Bicep file takes the same parameters, defaults and columns as the ARM template', () => {
    const bicep = file(files, 'bicep').content
    const params = [...bicep.matchAll(/^param (\w+) string(?: = '([^']*)')?$/gm)].map((m) => [m[1], m[2]])
    expect(params).toEqual(
      Object.entries(arm.parameters).map(([k, v]) => [k, (v as { defaultValue?: string }).defaultValue]),
    )
    const pairs = (text: string) =>
      [...text.matchAll(/\{ name: '([^']+)', type: '([^']+)'/g)].map((m) => `${m[1]}:${m[2]}`)
    const dcrAt = bicep.indexOf("resource dcr '")
    const dcr = arm.resources.find((r: { type: string }) => r.type === 'Microsoft.Insights/dataCollectionRules')
    expect(pairs(bicep.slice(dcrAt))).toEqual(
      dcr.properties.streamDeclarations[plan.streamName].columns.map(
        (c: { name: string; type: string }) => `${c.name}:${c.type}`,
      ),
    )
    expect(pairs(bicep.slice(0, dcrAt))).toEqual(plan.tableColumns.map((c) => `${c.name}:${c.type}`))
    expect(bicep).toContain(`transformKql: '${plan.transformKql.replaceAll("'", "\\'")}'`)
    expect(bicep).toContain("kind: 'Direct'")
  })

  it('the az script creates the table, the Direct DCR in the workspace region and the role, then prints the exports', async () => {
    const { dir, remove } = tempDir()
    try {
      for (const f of files) writeFileSync(join(dir, f.name), f.content)
      const bin = join(dir, 'bin')
      const bodies = join(dir, 'bodies')
      await promisify(execFile)('mkdir', ['-p', bin, bodies])
      writeFileSync(join(bin, 'az'), FAKE_AZ)
      chmodSync(join(bin, 'az'), 0o755)
      const script = file(files, 'script').name
      const { stdout } = await promisify(execFile)('bash', [join(dir, script)], {
        env: {
          PATH: `${bin}:${process.env['PATH']}`,
          RG: 'rg-logs',
          WS: 'log-app',
          PRINCIPAL_ID: 'pid-1',
          AZ_LOG: join(dir, 'az.log'),
          AZ_BODIES: bodies,
          TMPDIR: dir,
        },
      })
      expect(stdout).toBe(
        `export DCR_LOGS_ENDPOINT=https://${plan.dcrName}-a1b2.westeurope-1.ingest.monitor.azure.com\nexport DCR_LOGS_RULE_ID=dcr-00000000000000000000000000000001\nexport DCR_LOGS_STREAM_NAME=${plan.streamName}\n`,
      )
      const calls = readFileSync(join(dir, 'az.log'), 'utf8').trim().split('\n')
      const dcrId = `/subscriptions/sub/resourceGroups/rg-logs/providers/Microsoft.Insights/dataCollectionRules/${plan.dcrName}`
      expect(calls.filter((c) => c.startsWith('rest --method put')).map((c) => c.split(' --body')[0])).toEqual([
        ...(plan.customTable
          ? [`rest --method put --url ${WORKSPACE_ID}/tables/${plan.table}?api-version=2022-10-01`]
          : []),
        `rest --method put --url ${dcrId}?api-version=2023-03-11`,
      ])
      expect(calls).toContain(
        `role assignment create --assignee-object-id pid-1 --assignee-principal-type ServicePrincipal --role Monitoring Metrics Publisher --scope ${dcrId} -o none`,
      )
      if (!plan.customTable)
        expect(calls).toContain(
          `monitor log-analytics workspace table show -g rg-logs --workspace-name log-app -n ${plan.table} -o none`,
        )
      const sent = readdirSync(bodies)
        .sort()
        .map((f) => JSON.parse(readFileSync(join(bodies, f), 'utf8')))
      if (plan.customTable) expect(sent.shift()).toEqual(JSON.parse(file(files, 'table').content))
      const [rule] = loadDcrs({ dcr: sent[0], source: 'PUT body' })
      expect(rule).toMatchObject({ kind: 'Direct', location: 'westeurope' })
      expect(sent[0].properties.destinations.logAnalytics[0].workspaceResourceId).toBe(WORKSPACE_ID)
    } finally {
      remove()
    }
  })
})

describe('deploy/', () => {
  it('is what `dcr-logs init` writes for AppLogs_CL: the same table, DCR, ARM template and Bicep', () => {
    const files = renderFiles(planInit({ preset: 'default' }))
    const deploy = (name: string) => readFileSync(join(REPO_DIR, 'deploy', name), 'utf8')
    expect(JSON.parse(deploy('app-logs.table.json'))).toEqual(JSON.parse(file(files, 'table').content))
    expect(JSON.parse(deploy('app-logs.dcr.json'))).toEqual(JSON.parse(file(files, 'dcr').content))
    expect(JSON.parse(deploy('azuredeploy.json'))).toEqual(JSON.parse(file(files, 'arm').content))
    expect(deploy('main.bicep')).toBe(file(files, 'bicep').content.replaceAll('app-logs.bicep', 'deploy/main.bicep'))
  })
})

/** A stand-in for the Azure CLI: logs each call, keeps PUT bodies, answers the queries the script makes. */
const FAKE_AZ = `#!/usr/bin/env bash
echo "$*" >> "$AZ_LOG"
case "$*" in
  "monitor log-analytics workspace show"*"--query id"*) echo "${WORKSPACE_ID}" ;;
  "monitor log-analytics workspace show"*"--query location"*) echo "westeurope" ;;
  "monitor log-analytics workspace table show"*) ;;
  "group show"*) echo "/subscriptions/sub/resourceGroups/$4" ;;
  "rest --method put"*)
    for a in "$@"; do case "$a" in @*) n=$(ls "$AZ_BODIES" | wc -l); cp "\${a#@}" "$AZ_BODIES/$n.json" ;; esac; done ;;
  "rest --method get"*"immutableId"*) echo "dcr-00000000000000000000000000000001" ;;
  "rest --method get"*"logsIngestion"*) name="\${5##*/}"; echo "https://\${name%%\\?*}-a1b2.westeurope-1.ingest.monitor.azure.com" ;;
  "role assignment create"*) ;;
  *) echo "unexpected: az $*" >&2; exit 3 ;;
esac
`
