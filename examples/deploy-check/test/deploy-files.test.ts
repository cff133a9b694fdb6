/**
 * The files in deploy/ are what users deploy to Azure. Loading them into the emulator (as the service would take
 * them) and comparing them with core's default schema keeps them from drifting from what the libraries send.
 */
import { readFileSync } from 'node:fs'
import {
  type ColumnDefinition,
  createLogsIngestionClient,
  DEFAULT_COLUMNS,
  DEFAULT_STREAM_NAME,
  DEFAULT_TABLE_NAME,
  tableColumnType,
} from '@dcr-logs/core'
import { type Emulator, loadDcrs, startEmulator, type TableSchemaInput } from '@dcr-logs/test-harness'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const WORKSPACE_ID =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-app-logs/providers/Microsoft.OperationalInsights/workspaces/log-app'
const TEMPLATE_PARAMETERS = { workspaceName: 'log-app', location: 'westeurope' }

const deployFile = (name: string): string => readFileSync(new URL(`../../../deploy/${name}`, import.meta.url), 'utf8')
const coreFile = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../packages/core/${name}`, import.meta.url), 'utf8'))

/** deploy/app-logs.dcr.json with its <placeholders> filled in, as docs/azure-setup.md does with sed. */
const dcrFile = JSON.parse(
  deployFile('app-logs.dcr.json')
    .replaceAll('<workspace-resource-id>', WORKSPACE_ID)
    .replaceAll('<workspace-region>', 'westeurope'),
) as Record<string, unknown>
const template = JSON.parse(deployFile('azuredeploy.json')) as { resources: { type: string; properties: unknown }[] }
const tableFile = JSON.parse(deployFile('app-logs.table.json')) as { properties: { schema: TableSchemaInput } }

const templateTable = (
  template.resources.find((r) => r.type.toLowerCase() === 'microsoft.operationalinsights/workspaces/tables')
    ?.properties as { schema: TableSchemaInput } | undefined
)?.schema

const asPairs = (columns: readonly { name: string; type: string }[] | undefined) =>
  (columns ?? []).map((c) => `${c.name}:${c.type}`)
const streamPairs = asPairs(DEFAULT_COLUMNS)
const tablePairs = asPairs(
  DEFAULT_COLUMNS.map((c: ColumnDefinition) => ({ name: c.name, type: tableColumnType(c.type) })),
)

describe('deploy/ files agree with the default schema', () => {
  it('app-logs.dcr.json declares Custom-AppLogs with exactly DEFAULT_COLUMNS, flowing to AppLogs_CL', () => {
    const [rule] = loadDcrs({ dcr: dcrFile, source: 'deploy/app-logs.dcr.json' })
    const stream = rule!.streams.get(DEFAULT_STREAM_NAME)
    expect(rule!.kind).toBe('Direct')
    expect([...rule!.streams.keys()]).toEqual([DEFAULT_STREAM_NAME])
    expect(asPairs(stream?.columns)).toEqual(streamPairs)
    expect(stream?.flows.map((f) => [f.outputStream, f.table, f.transform.identity])).toEqual([
      [`Custom-${DEFAULT_TABLE_NAME}`, DEFAULT_TABLE_NAME, true],
    ])
  })

  it('azuredeploy.json (ARM template with parameters) holds the same DCR and table', () => {
    const [rule] = loadDcrs({ dcr: template, source: 'deploy/azuredeploy.json' }, { parameters: TEMPLATE_PARAMETERS })
    expect(rule!.name).toBe('dcr-app-logs')
    expect(rule!.kind).toBe('Direct')
    expect(asPairs(rule!.streams.get(DEFAULT_STREAM_NAME)?.columns)).toEqual(streamPairs)
    expect(templateTable?.name).toBe(DEFAULT_TABLE_NAME)
    expect(asPairs(templateTable?.columns)).toEqual(tablePairs)
  })

  it('app-logs.table.json and core/schema/*.json have exactly the default columns', () => {
    expect(tableFile.properties.schema.name).toBe(DEFAULT_TABLE_NAME)
    expect(asPairs(tableFile.properties.schema.columns)).toEqual(tablePairs)
    const coreTable = coreFile('schema/table.json') as typeof tableFile
    expect(asPairs(coreTable.properties.schema.columns)).toEqual(tablePairs)
    const coreStream = coreFile('schema/stream-declaration.json') as Record<string, { columns: ColumnDefinition[] }>
    expect(asPairs(coreStream[DEFAULT_STREAM_NAME]?.columns)).toEqual(streamPairs)
  })

  it('main.bicep declares the same table columns and stream columns (text parse)', () => {
    const bicep = deployFile('main.bicep')
    const dcrStart = bicep.indexOf("resource dcr 'Microsoft.Insights/dataCollectionRules")
    expect(dcrStart).toBeGreaterThan(0)
    const columnsIn = (text: string) =>
      [...text.matchAll(/\{\s*name:\s*'([^']+)',\s*type:\s*'([^']+)'/g)].map((m) => `${m[1]}:${m[2]}`)
    const tableBlock = bicep.slice(bicep.indexOf("resource table '"), dcrStart)
    expect(tableBlock).toContain(`name: '${DEFAULT_TABLE_NAME}'`)
    expect(columnsIn(tableBlock)).toEqual(tablePairs)
    const dcrBlock = bicep.slice(dcrStart)
    expect(dcrBlock).toContain(`'${DEFAULT_STREAM_NAME}': {`)
    expect(dcrBlock).toContain("kind: 'Direct'")
    expect(dcrBlock).toContain(`outputStream: 'Custom-${DEFAULT_TABLE_NAME}'`)
    expect(columnsIn(dcrBlock)).toEqual(streamPairs)
  })
})

describe('deploy/ files loaded into the emulator', () => {
  let emulator: Emulator

  beforeAll(async () => {
    // both DCR files at once, with the shipped table schema: what a user's workspace would hold
    emulator = await startEmulator({
      dcrs: [{ dcr: dcrFile, name: 'app-logs-dcr-file' }, { dcr: template }],
      parameters: TEMPLATE_PARAMETERS,
      tables: [tableFile.properties.schema],
    })
  })
  afterAll(async () => {
    await emulator?.close()
  })

  it('a record with every default column lands with every value, through each DCR', async () => {
    expect(emulator.rules.map((r) => r.streams)).toEqual([[DEFAULT_STREAM_NAME], [DEFAULT_STREAM_NAME]])
    // recent times: the service replaces a TimeGenerated older than 2 days with the time it received the record
    const now = Date.now()
    const record = {
      TimeGenerated: new Date(now - 60_000),
      ObservedTimestamp: new Date(now - 59_000),
      SeverityText: 'warn',
      SeverityNumber: 13,
      Body: 'disk almost full',
      Attributes: { disk: '/var', freePercent: 4.5 },
      Resource: { 'service.name': 'storage', 'service.version': '1.0.0' },
      ServiceName: 'storage',
      HostName: 'node-1',
      TraceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      SpanId: '00f067aa0ba902b7',
      TraceFlags: 1,
      ScopeName: 'deploy-check',
      ScopeVersion: '0.0.0',
      EventName: 'disk.low',
      ExceptionType: 'DiskFullWarning',
      ExceptionMessage: 'only 4.5% free',
      ExceptionStacktrace: 'DiskFullWarning: only 4.5% free\n    at check (disk.js:1:1)',
    }
    // every column of the default schema is exercised, so a column missing from a file would show as a lost value
    expect(Object.keys(record)).toEqual(DEFAULT_COLUMNS.map((c) => c.name))

    for (const rule of emulator.rules) {
      const client = createLogsIngestionClient({
        endpoint: rule.endpoint,
        ruleId: rule.ruleId,
        streamName: DEFAULT_STREAM_NAME,
        credential: emulator.credentialConfig,
      })
      expect(client.push(record)).toBe(true)
      await client.close()
      expect(client.stats().records).toMatchObject({ delivered: 1, dropped: 0 })
    }

    const rows = await emulator.waitForRows(DEFAULT_TABLE_NAME, 2)
    expect(rows).toEqual([record, record])
    expect(emulator.dcrErrors()).toEqual([])
  })
})
