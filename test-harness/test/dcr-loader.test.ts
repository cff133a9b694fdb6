import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { DEFAULT_DCR, DEFAULT_DCR_COLUMNS, type Emulator, loadDcrs, startEmulator } from '../src/index.ts'
import { BUILT_IN_TABLES } from '../src/tables.ts'
import { fetchToken, ingest, recent } from './helpers.ts'

const FIXTURES = join(import.meta.dirname, 'fixtures')
const fixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(FIXTURES, 'dcr', name), 'utf8'))
const tables = new Map(BUILT_IN_TABLES.map((t) => [t.name, t]))
const TUTORIAL_PARAMS = {
  dataCollectionRuleName: 'my-dcr',
  location: 'eastus',
  workspaceResourceId: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/ws',
}

const started: Emulator[] = []
afterAll(() => Promise.all(started.map((e) => e.close())))
const start = async (...args: Parameters<typeof startEmulator>) => {
  const e = await startEmulator(...args)
  started.push(e)
  return e
}

describe('every published DCR fixture loads', () => {
  const files = readdirSync(join(FIXTURES, 'dcr')).filter((f) => f.endsWith('.json'))
  test.each(files)('%s', (file) => {
    const dcrs = loadDcrs({ dcr: fixture(file), source: file }, { tables, parameters: TUTORIAL_PARAMS })
    expect(dcrs.length).toBeGreaterThan(0)
    for (const d of dcrs) expect(d.ruleId).toMatch(/^dcr-[0-9a-f]{32}$/)
  })

  test('a GET response keeps its immutableId; built-in streams use the table schema when known', () => {
    const [dcr] = loadDcrs({ dcr: fixture('rest-get-ama-builtin-streams.json') }, { tables })
    expect(dcr!.ruleId).toBe('dcr-b74e0d383fc9415abaa584ec41adece3')
    expect(dcr!.name).toBe('myCollectionRule')
    const syslog = dcr!.streams.get('Microsoft-Syslog')!
    expect(syslog.ingestible).toBe(true)
    expect(syslog.columns!.map((c) => c.name)).toContain('SyslogMessage')
    expect(syslog.columns!.map((c) => c.name)).not.toContain('TenantId')
    expect(dcr!.streams.get('Microsoft-Perf')).toMatchObject({
      ingestible: false,
      reason: expect.stringContaining('no schema'),
    })
  })

  test('workspace transformation DCRs load, with no ingestible stream', () => {
    const [dcr] = loadDcrs({ dcr: fixture('docs-samples-workspace-transforms.json') }, { tables })
    expect(dcr!.kind).toBe('WorkspaceTransforms')
    expect([...dcr!.streams.values()].every((s) => !s.ingestible)).toBe(true)
    expect(dcr!.streams.get('Microsoft-Table-LAQueryLogs')!.flows[0]!.table).toBe('LAQueryLogs')
  })

  test('an ARM resource whose values are expressions needs its parameters, and says which', () => {
    expect(() =>
      loadDcrs({ dcr: fixture('docs-tutorial-arm-direct-resource.json'), source: 'tutorial.json' }, { tables }),
    ).toThrow(
      expect.objectContaining({
        code: 'UNRESOLVED_EXPRESSION',
        message: expect.stringMatching(/parameter 'dataCollectionRuleName' has no value.*--param location=/s),
      }),
    )
    const [dcr] = loadDcrs(
      { dcr: fixture('docs-tutorial-arm-direct-resource.json') },
      { tables, parameters: TUTORIAL_PARAMS },
    )
    expect(dcr!.name).toBe('my-dcr')
    expect(dcr!.location).toBe('eastus')
  })

  test('a whole template uses its parameter defaults and variables', () => {
    const template = {
      parameters: {
        name: { type: 'string', defaultValue: 'dcr-app' },
        region: { type: 'string', defaultValue: '[resourceGroup().location]' },
      },
      variables: { fullName: "[concat(parameters('name'), '-', toLower('X'))]" },
      resources: [
        { type: 'Microsoft.OperationalInsights/workspaces', name: 'ws' },
        {
          ...(fixture('docs-tutorial-arm-direct-resource.json') as object),
          name: "[variables('fullName')]",
          location: "[parameters('region')]",
        },
      ],
    }
    const [dcr] = loadDcrs({ dcr: template }, { tables, parameters: { workspaceResourceId: 'ws-id' } })
    expect(dcr!.name).toBe('dcr-app-x')
    expect(dcr!.location).toBe('local')
  })

  test('the default DCR is the ARM creation body with exactly the default columns', () => {
    expect(DEFAULT_DCR.kind).toBe('Direct')
    expect(DEFAULT_DCR_COLUMNS.map((c) => `${c.name}:${c.type}`)).toEqual([
      'TimeGenerated:datetime',
      'ObservedTimestamp:datetime',
      'SeverityText:string',
      'SeverityNumber:int',
      'Body:string',
      'Attributes:dynamic',
      'Resource:dynamic',
      'ServiceName:string',
      'HostName:string',
      'TraceId:string',
      'SpanId:string',
      'TraceFlags:int',
      'ScopeName:string',
      'ScopeVersion:string',
      'EventName:string',
      'ExceptionType:string',
      'ExceptionMessage:string',
      'ExceptionStacktrace:string',
    ])
    expect(DEFAULT_DCR.properties.dataFlows[0]).toMatchObject({
      transformKql: 'source',
      outputStream: 'Custom-AppLogs_CL',
    })
  })
})

describe('DCR validation, as DCR creation does it', () => {
  const dcr = (columns: unknown[], extra: Record<string, unknown> = {}) => ({
    properties: {
      streamDeclarations: { 'Custom-T': { columns } },
      destinations: { logAnalytics: [{ name: 'la', workspaceResourceId: 'x' }] },
      dataFlows: [
        { streams: ['Custom-T'], destinations: ['la'], transformKql: 'source', outputStream: 'Custom-T_CL', ...extra },
      ],
    },
  })
  const load = (doc: unknown) => () => loadDcrs({ dcr: doc }, { tables })

  test.each(['TenantId', 'type', '_ResourceId', 'id', '_TimeReceived'])(
    'refuses the reserved column name %s',
    (name) => {
      expect(load(dcr([{ name, type: 'string' }]))).toThrow(/InvalidColumnName: .*reserved column name/)
    },
  )

  test('refuses guid (declare string), unknown types and bad names', () => {
    expect(load(dcr([{ name: 'G', type: 'guid' }]))).toThrow(
      /'guid' is not a stream declaration type; declare 'G' as 'string'/,
    )
    expect(load(dcr([{ name: 'X', type: 'text' }]))).toThrow(/InvalidColumnType/)
    expect(load(dcr([{ name: '1abc', type: 'string' }]))).toThrow(/InvalidColumnName/)
  })

  test('refuses undeclared custom streams, missing destinations and bad output streams', () => {
    const doc = dcr([{ name: 'A', type: 'string' }], { streams: ['Custom-Other'] })
    expect(load(doc)).toThrow(/stream 'Custom-Other' must be declared/)
    expect(load(dcr([{ name: 'A', type: 'string' }], { destinations: ['nope'] }))).toThrow(
      /destination 'nope' is not defined/,
    )
    expect(load(dcr([{ name: 'A', type: 'string' }], { outputStream: 'Custom-T' }))).toThrow(/InvalidOutputStream/)
  })

  test('refuses a transformation that names an undeclared column or an unsupported function', () => {
    expect(load(dcr([{ name: 'A', type: 'string' }], { transformKql: 'source | extend B = Missing' }))).toThrow(
      /Failed to resolve scalar expression named 'Missing'/,
    )
    expect(
      load(dcr([{ name: 'A', type: 'string' }], { transformKql: "source | extend B = replace_string(A, 'a', 'b')" })),
    ).toThrow(/The function 'replace_string' is not supported in transformations/)
    expect(load(dcr([{ name: 'A', type: 'string' }], { transformKql: 'source | summarize count()' }))).toThrow(
      /summarize/,
    )
  })

  test('lists every problem at once', () => {
    const doc = dcr([
      { name: 'Type', type: 'string' },
      { name: 'G', type: 'guid' },
    ])
    expect(load(doc)).toThrow(/reserved[\s\S]*guid/)
  })
})

describe('transformations and routing, end to end over HTTPS', () => {
  test('the docs sample: parse_json, project with rename and a computed column', async () => {
    const e = await start({
      dcrs: [
        { dcr: fixture('docs-samples-logs-ingestion-api.json'), immutableId: 'dcr-11111111111111111111111111111111' },
      ],
    })
    const time = recent()
    const reply = await ingest(e, [
      { Time: time, Computer: 'vm1', AdditionalContext: '{"CounterName":"cpu","CounterValue":3.5}', Extra: 1 },
    ])
    expect(reply.status).toBe(204)
    expect(e.rows('MyTable_CL')).toEqual([
      {
        TimeGenerated: new Date(time),
        Computer: 'vm1',
        AdditionalContext: { CounterName: 'cpu', CounterValue: 3.5 },
        ExtendedColumn: 'cpu',
      },
    ])
  })

  test('the tutorial ARM resource: toreal() of a nested value', async () => {
    const e = await start({
      dcrs: [fixture('docs-tutorial-arm-direct-resource.json') as Record<string, unknown>],
      parameters: TUTORIAL_PARAMS,
    })
    await ingest(e, [
      { Time: recent(), Computer: 'c', AdditionalContext: '{"CounterName":"mem","CounterValue":"12.5"}' },
    ])
    expect(e.rows('MyTable_CL')[0]).toMatchObject({ CounterName: 'mem', CounterValue: 12.5 })
  })

  test('the text-logs sample: split, todatetime, toint', async () => {
    const e = await start({ dcrs: [fixture('docs-samples-text-logs.json') as Record<string, unknown>] })
    const time = recent()
    await ingest(e, [
      { TimeGenerated: time, RawData: `${time},42,Warning,auth,login failed`, FilePath: 'a.txt', Computer: 'vm' },
    ])
    expect(e.rows('MyTable_CL')).toEqual([
      { TimeGenerated: new Date(time), Code: 42, Severity: 'Warning', Module: 'auth', Message: 'login failed' },
    ])
  })

  test('Microsoft-Syslog input without a declaration uses the Syslog table schema and lands in Syslog', async () => {
    const e = await start({ dcrs: [fixture('rest-get-ama-builtin-streams.json') as Record<string, unknown>] })
    expect(e.rules[0]).toMatchObject({ ruleId: 'dcr-b74e0d383fc9415abaa584ec41adece3', streams: ['Microsoft-Syslog'] })
    const reply = await ingest(
      e,
      [{ TimeGenerated: recent(), Computer: 'vm', SyslogMessage: 'hi', ProcessID: '12', Bogus: 1 }],
      {
        stream: 'Microsoft-Syslog',
      },
    )
    expect(reply.status).toBe(204)
    const [row] = e.rows('Syslog')
    expect(row).toMatchObject({ Computer: 'vm', SyslogMessage: 'hi', ProcessID: 12 })
    expect(row).not.toHaveProperty('Bogus')
    const perf = await ingest(e, [{}], { stream: 'Microsoft-Perf', token: await fetchToken(e) })
    expect(perf.status).toBe(404)
  })

  test('custom tables: a where filter drops rows silently, several flows write several tables', async () => {
    const doc = {
      properties: {
        streamDeclarations: {
          'Custom-In': {
            columns: [
              { name: 'Level', type: 'string' },
              { name: 'Msg', type: 'string' },
            ],
          },
        },
        destinations: { logAnalytics: [{ name: 'la', workspaceResourceId: 'x' }] },
        dataFlows: [
          {
            streams: ['Custom-In'],
            destinations: ['la'],
            transformKql: "source | where Level in ('Error','Warning') | extend TimeGenerated = now()",
            outputStream: 'Custom-Problems_CL',
          },
          {
            streams: ['Custom-In'],
            destinations: ['la'],
            transformKql: 'source | project-rename Message = Msg | project-away Level',
            outputStream: 'Custom-All_CL',
          },
        ],
      },
    }
    const e = await start({ dcrs: [doc] })
    await ingest(e, [
      { Level: 'Error', Msg: 'a' },
      { Level: 'Info', Msg: 'b' },
    ])
    expect(e.rows('Problems_CL').map((r) => r['Msg'])).toEqual(['a'])
    expect(e.rows('All_CL').map((r) => Object.keys(r))).toEqual([
      ['Message', 'TimeGenerated'],
      ['Message', 'TimeGenerated'],
    ])
  })

  test('output to a table with a known schema is converted, and conversion failures are Transformation errors', async () => {
    const doc = {
      properties: {
        streamDeclarations: { 'Custom-In': { columns: [{ name: 'Raw', type: 'string' }] } },
        destinations: { logAnalytics: [{ name: 'la', workspaceResourceId: 'x' }] },
        dataFlows: [
          {
            streams: ['Custom-In'],
            destinations: ['la'],
            transformKql: 'source | project TimeGenerated = now(), Count = Raw, Extra = 1',
            outputStream: 'Custom-Typed_CL',
          },
        ],
      },
    }
    const e = await start({
      dcrs: [doc],
      tables: [
        {
          name: 'Typed_CL',
          columns: [
            { name: 'TimeGenerated', type: 'datetime' },
            { name: 'Count', type: 'long' },
          ],
        },
      ],
    })
    await ingest(e, [{ Raw: '7' }, { Raw: 'seven' }])
    expect(e.rows('Typed_CL').map((r) => r['Count'])).toEqual([7, null])
    expect(e.rows('Typed_CL')[0]).not.toHaveProperty('Extra')
    expect(e.dcrErrors()).toEqual([
      expect.objectContaining({ operationName: 'Transformation', message: expect.stringContaining("'Count' (long)") }),
    ])
  })

  test('several DCRs side by side; rules[0] is the first', async () => {
    const e = await start({
      dcrs: [
        fixture('docs-samples-logs-ingestion-api.json') as Record<string, unknown>,
        fixture('docs-samples-text-logs.json') as Record<string, unknown>,
      ],
    })
    expect(e.rules).toHaveLength(2)
    expect(e.env['DCR_LOGS_RULE_ID']).toBe(e.rules[0]!.ruleId)
    expect(e.env['DCR_LOGS_STREAM_NAME']).toBe('Custom-MyTable')
    expect(e.rules[1]!.streams).toEqual(['Custom-MyLogFileFormat'])
  })

  test('source | extend TimeGenerated = now() stamps the receive time; todatetime() reads a string column', async () => {
    const fixed = Date.now()
    const doc = {
      properties: {
        streamDeclarations: {
          'Custom-In': {
            columns: [
              { name: 'Msg', type: 'string' },
              { name: 'When', type: 'string' },
            ],
          },
        },
        destinations: { logAnalytics: [{ name: 'la', workspaceResourceId: 'x' }] },
        dataFlows: [
          {
            streams: ['Custom-In'],
            destinations: ['la'],
            transformKql: 'source | extend TimeGenerated = now()',
            outputStream: 'Custom-Stamped_CL',
          },
          {
            streams: ['Custom-In'],
            destinations: ['la'],
            transformKql: 'source | extend TimeGenerated = todatetime(When) | project TimeGenerated, Msg',
            outputStream: 'Custom-Parsed_CL',
          },
        ],
      },
    }
    const e = await start({ dcrs: [doc], now: () => fixed })
    const when = new Date(fixed - 3_600_000).toISOString()
    expect((await ingest(e, [{ Msg: 'm', When: when, Other: 'dropped' }])).status).toBe(204)
    expect(e.rows('Stamped_CL')).toEqual([{ Msg: 'm', When: when, TimeGenerated: new Date(fixed) }])
    expect(e.rows('Parsed_CL')).toEqual([{ TimeGenerated: new Date(when), Msg: 'm' }])
  })

  test('a custom stream routed to outputStream Microsoft-Syslog lands in Syslog, typed per its schema', async () => {
    const doc = {
      properties: {
        streamDeclarations: {
          'Custom-SyslogIn': {
            columns: [
              { name: 'Host', type: 'string' },
              { name: 'Msg', type: 'string' },
              { name: 'Pid', type: 'string' },
            ],
          },
        },
        destinations: { logAnalytics: [{ name: 'la', workspaceResourceId: 'x' }] },
        dataFlows: [
          {
            streams: ['Custom-SyslogIn'],
            destinations: ['la'],
            transformKql:
              "source | project TimeGenerated = now(), Computer = Host, SyslogMessage = Msg, ProcessID = Pid, Facility = 'user'",
            outputStream: 'Microsoft-Syslog',
          },
        ],
      },
    }
    const e = await start({ dcrs: [doc] })
    expect(e.rules[0]!.streams).toEqual(['Custom-SyslogIn'])
    expect((await ingest(e, [{ Host: 'vm1', Msg: 'hello', Pid: '4242' }])).status).toBe(204)
    expect(e.counts()).toEqual({ Syslog: 1 })
    const [row] = e.rows('Syslog')
    expect(row).toMatchObject({ Computer: 'vm1', SyslogMessage: 'hello', ProcessID: 4242, Facility: 'user' })
    expect(row!['TimeGenerated']).toBeInstanceOf(Date)
    expect(Object.keys(row!)).toEqual(expect.arrayContaining(['HostName', 'SeverityLevel', 'EventTime']))
    expect(row).not.toHaveProperty('TenantId')
  })

  test('every published fixture starts in one emulator, unchanged', async () => {
    const files = readdirSync(join(FIXTURES, 'dcr')).filter((f) => f.endsWith('.json'))
    const e = await start({ dcrs: files.map((f) => join(FIXTURES, 'dcr', f)), parameters: TUTORIAL_PARAMS })
    expect(e.rules.length).toBeGreaterThanOrEqual(files.length)
    expect(new Set(e.rules.map((r) => r.ruleId)).size).toBe(e.rules.length)
  })

  test('a reserved column name makes startEmulator() fail with INVALID_DCR and the column named', async () => {
    const doc = {
      properties: {
        streamDeclarations: { 'Custom-T': { columns: [{ name: '_ResourceId', type: 'string' }] } },
        destinations: { logAnalytics: [{ name: 'la', workspaceResourceId: 'x' }] },
        dataFlows: [{ streams: ['Custom-T'], destinations: ['la'], outputStream: 'Custom-T_CL' }],
      },
    }
    await expect(startEmulator({ dcrs: [doc] })).rejects.toMatchObject({
      code: 'INVALID_DCR',
      message: expect.stringContaining("'_ResourceId' is a reserved column name"),
    })
  })

  test('DCR files load by path, and bad files fail clearly', async () => {
    const e = await start({ dcrs: [join(FIXTURES, 'dcr', 'docs-ingestion-overview-direct.json')] })
    expect(e.rules[0]!.streams).toEqual(['Custom-MyTable'])
    await expect(startEmulator({ dcrs: ['/nonexistent/dcr.json'] })).rejects.toMatchObject({ code: 'INVALID_OPTIONS' })
  })
})
