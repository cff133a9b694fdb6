import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { DEFAULT_COLUMNS, readDcr, resolveStreamDeclaration } from '../../src/index.ts'

/** Microsoft's published DCRs, as the emulator's tests use them (sources in test-harness/test/fixtures/SOURCES.md). */
const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../../test-harness/test/fixtures/dcr/${name}`, import.meta.url), 'utf8'))
const repoFile = (path: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../../${path}`, import.meta.url), 'utf8'))

const dcr = (
  overrides: Record<string, unknown> = {},
  columns: unknown = [{ name: 'TimeGenerated', type: 'datetime' }],
) => ({
  location: 'westeurope',
  kind: 'Direct',
  properties: {
    streamDeclarations: { 'Custom-App': { columns } },
    destinations: { logAnalytics: [{ workspaceResourceId: '/subscriptions/x/ws', name: 'ws' }] },
    dataFlows: [
      { streams: ['Custom-App'], destinations: ['ws'], transformKql: 'source', outputStream: 'Custom-App_CL' },
    ],
    ...overrides,
  },
})

const problems = (doc: unknown) => {
  const read = readDcr(doc)
  if (!read.ok) throw new Error(read.message)
  return read.dcrs.flatMap((d) => d.problems.map((p) => `${p.severity} ${p.code} ${p.path}: ${p.message}`))
}

describe('readDcr', () => {
  it('reads every published DCR shape without errors: creation body, ARM resource, GET response', () => {
    for (const name of [
      'docs-ingestion-overview-direct.json',
      'docs-samples-logs-ingestion-api.json',
      'docs-tutorial-arm-direct-resource.json',
    ]) {
      const read = readDcr(fixture(name))
      expect(read.ok, name).toBe(true)
      if (!read.ok) continue
      expect(
        read.dcrs[0]!.problems.filter((p) => p.severity === 'error'),
        name,
      ).toEqual([])
      expect(read.dcrs[0]!.streams.map((s) => s.streamName)).toEqual(['Custom-MyTable'])
    }
    const get = readDcr(fixture('rest-get-ama-builtin-streams.json'))
    expect(get.ok && get.dcrs[0]!.immutableId).toMatch(/^dcr-/)
  })

  it("reads the repository's own deploy files: the ARM template and the DCR body", () => {
    const template = readDcr(repoFile('deploy/azuredeploy.json'))
    expect(template.ok && template.dcrs.map((d) => d.streams[0]?.columns)).toEqual([DEFAULT_COLUMNS])
    const body = readDcr(repoFile('deploy/app-logs.dcr.json'))
    expect(body.ok && body.dcrs[0]!.problems.map((p) => p.code)).toEqual(['Placeholder', 'Placeholder'])
  })

  it('warns that a DCR without kind Direct gets no ingestion endpoint', () => {
    const { kind: _, ...notDirect } = dcr()
    expect(problems(notDirect)).toEqual([
      expect.stringMatching(/^warning NotDirect kind: kind is missing: the DCR gets no logs ingestion endpoint/),
    ])
    expect(problems(dcr())).toEqual([])
  })

  it('reports invalid, reserved, duplicate and mistyped columns with their path', () => {
    const found = problems(
      dcr({}, [
        { name: 'TimeGenerated', type: 'dateTime' },
        { name: 'Type', type: 'string' },
        { name: 'req.id', type: 'string' },
        { name: 'Id', type: 'guid' },
        { name: 'timegenerated', type: 'string' },
        { name: 'Count', type: 'integer' },
      ]),
    )
    expect(found).toEqual([
      "error InvalidColumnName properties.streamDeclarations['Custom-App'].columns[1]: 'Type' is a name the service reserves; rename it, e.g. to 'Type_'",
      "error InvalidColumnName properties.streamDeclarations['Custom-App'].columns[2]: 'req.id' may hold only ASCII letters, digits and _ (no spaces, dots, dashes or accents); rename it, e.g. to 'req_id'",
      "error InvalidColumnName properties.streamDeclarations['Custom-App'].columns[3]: 'Id' is a name the service reserves; rename it, e.g. to 'Id_'",
      "error InvalidColumnType properties.streamDeclarations['Custom-App'].columns[3]: 'guid' is a table type, not a stream type; declare 'Id' as 'string'",
      "error InvalidColumnName properties.streamDeclarations['Custom-App'].columns[4]: 'timegenerated' is declared twice (also as 'TimeGenerated'; names differing in case clash)",
      "error InvalidColumnType properties.streamDeclarations['Custom-App'].columns[5]: 'integer' is not a stream column type; use one of string, int, long, real, boolean, dynamic, datetime",
    ])
  })

  it('reports data flows DCR creation refuses', () => {
    const found = problems(
      dcr({
        dataFlows: [
          { streams: ['Custom-Other'], destinations: ['nowhere'], outputStream: 'AppLogs' },
          {
            streams: ['Custom-App', 'Custom-App'],
            destinations: ['ws'],
            transformKql: 'source | where true',
            outputStream: 'Custom-App_CL',
          },
          {
            streams: ['Custom-App'],
            destinations: ['ws'],
            transformKql: `source | where ${'x'.repeat(15_400)}`,
            outputStream: 'Custom-App_CL',
          },
        ],
      }),
    )
    expect(found).toEqual([
      "error InvalidDestination properties.dataFlows[0]: destination 'nowhere' is not defined in properties.destinations (defined: ws)",
      "error InvalidStream properties.dataFlows[0]: stream 'Custom-Other' is not declared in properties.streamDeclarations",
      "error InvalidOutputStream properties.dataFlows[0].outputStream: 'AppLogs' must be 'Custom-<Table>_CL' (a custom table) or 'Microsoft-<Table>'",
      'error InvalidDataFlow properties.dataFlows[1]: a data flow with a transformation must read exactly one stream',
      'error InvalidTransformQuery properties.dataFlows[2].transformKql: 15415 characters; the limit is 15360',
    ])
  })

  it('says why a document is not a DCR', () => {
    expect(readDcr([])).toEqual({ ok: false, message: 'a DCR must be a JSON object' })
    expect(readDcr({ type: 'Microsoft.OperationalInsights/workspaces' })).toMatchObject({
      ok: false,
      message: expect.stringContaining("is 'Microsoft.OperationalInsights/workspaces'"),
    })
    expect(readDcr({ resources: [{ type: 'Microsoft.Storage/storageAccounts' }] })).toMatchObject({ ok: false })
  })
})

describe('resolveStreamDeclaration', () => {
  it('takes an inline list of columns, { columns }, or a map of streams as in schema/stream-declaration.json', () => {
    const columns = [{ name: 'TimeGenerated', type: 'datetime' }]
    expect(resolveStreamDeclaration(columns, { streamName: 'Custom-X' })).toEqual({
      ok: true,
      declaration: { streamName: 'Custom-X', columns },
    })
    expect(resolveStreamDeclaration({ columns })).toMatchObject({ ok: true })
    const shipped = resolveStreamDeclaration(repoFile('packages/core/schema/stream-declaration.json'))
    expect(shipped).toEqual({ ok: true, declaration: { streamName: 'Custom-AppLogs', columns: DEFAULT_COLUMNS } })
  })

  it('finds the stream in a DCR, and names the declared ones when the name is wrong', () => {
    expect(resolveStreamDeclaration(fixture('docs-ingestion-overview-direct.json'))).toMatchObject({
      ok: true,
      declaration: { streamName: 'Custom-MyTable' },
    })
    expect(
      resolveStreamDeclaration(fixture('docs-ingestion-overview-direct.json'), { streamName: 'Custom-mytable' }),
    ).toEqual({
      ok: false,
      message:
        "the DCR does not declare the stream 'Custom-mytable' (stream names are case-sensitive: 'Custom-MyTable'); it declares Custom-MyTable",
    })
  })

  it('refuses a declaration the service would refuse, saying what is wrong', () => {
    expect(resolveStreamDeclaration([{ name: 'Type', type: 'string' }])).toEqual({
      ok: false,
      message:
        "invalid stream declaration: declaration.columns[0]: 'Type' is a name the service reserves; rename it, e.g. to 'Type_'",
    })
    expect(resolveStreamDeclaration('columns.json')).toMatchObject({ ok: false })
  })
})
