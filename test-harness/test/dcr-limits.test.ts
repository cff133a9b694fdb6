import { describe, expect, test } from 'vitest'
import { loadDcrs, MAX_DESTINATIONS, MAX_STREAMS } from '../src/dcr-loader.ts'
import { startEmulator } from '../src/index.ts'
import { ingest, recent } from './helpers.ts'

const columns = [
  { name: 'TimeGenerated', type: 'datetime' },
  { name: 'Message', type: 'string' },
]

/** A DCR with `streams` declared streams (one data flow each) and `destinations` Log Analytics destinations. */
const dcrWith = (streams: number, destinations: number) => ({
  properties: {
    streamDeclarations: Object.fromEntries(Array.from({ length: streams }, (_, i) => [`Custom-S${i}`, { columns }])),
    destinations: {
      logAnalytics: Array.from({ length: destinations }, (_, i) => ({ name: `la${i}`, workspaceResourceId: `ws${i}` })),
    },
    dataFlows: [
      {
        streams: Array.from({ length: streams }, (_, i) => `Custom-S${i}`),
        destinations: ['la0'],
        outputStream: 'Custom-T_CL',
      },
    ],
  },
})

describe('DCR limits, checked at load', () => {
  test('10 streams and 10 destinations load', () => {
    expect(() => loadDcrs({ dcr: dcrWith(MAX_STREAMS, MAX_DESTINATIONS), source: 'ok.json' })).not.toThrow()
  })

  test('11 streams: a clear error naming the count, the limit and what to do', () => {
    expect(() => loadDcrs({ dcr: dcrWith(11, 1), source: 'many-streams.json' })).toThrow(
      /many-streams\.json[\s\S]*InvalidStream: 11 streams \(Custom-S0, .*Custom-S10\); a DCR may have at most 10\. Split it into several DCRs\./,
    )
  })

  test('11 destinations, counted across destination kinds', () => {
    const dcr = dcrWith(1, 10) as { properties: { destinations: Record<string, unknown> } }
    dcr.properties.destinations['azureMonitorMetrics'] = { name: 'metrics' }
    expect(() => loadDcrs({ dcr, source: 'many-destinations.json' })).toThrow(
      /InvalidDestination: 11 destinations; a DCR may have at most 10\./,
    )
  })

  test('startEmulator reports it as INVALID_DCR', async () => {
    await expect(startEmulator({ dcrs: [dcrWith(1, 11)] })).rejects.toMatchObject({ code: 'INVALID_DCR' })
  })
})

describe('ARM variables (--var)', () => {
  const resource = {
    type: 'Microsoft.Insights/dataCollectionRules',
    name: "[variables('ruleName')]",
    apiVersion: '2023-03-11',
    kind: 'Direct',
    properties: {
      streamDeclarations: { 'Custom-Vars': { columns } },
      destinations: { logAnalytics: [{ name: 'la', workspaceResourceId: "[parameters('workspace')]" }] },
      dataFlows: [
        {
          streams: ['Custom-Vars'],
          destinations: ['la'],
          outputStream: "[concat('Custom-', variables('table'), '_CL')]",
        },
      ],
    },
  }

  test('a resource copied out of its template loads with the variables given', async () => {
    const e = await startEmulator({
      dcrs: [resource],
      variables: { ruleName: 'from-vars', table: 'Vars' },
      parameters: { workspace: 'ws' },
    })
    try {
      expect(e.rules[0]).toMatchObject({ name: 'from-vars', streams: ['Custom-Vars'] })
    } finally {
      await e.close()
    }
  })

  test('without them, the error names each variable and the flag to pass', () => {
    expect(() => loadDcrs({ dcr: resource, source: 'resource.json' }, { parameters: { workspace: 'ws' } })).toThrow(
      /variable 'ruleName' is not defined[\s\S]*Pass 'ruleName', 'table' in the variables option \(CLI: --var ruleName=… --var table=…\)/,
    )
  })

  test('given variables win over the template’s own, which may use them', () => {
    const template = {
      parameters: {},
      variables: { table: 'FromTemplate', stream: "[concat('Custom-', variables('table'))]" },
      resources: [
        {
          type: 'Microsoft.Insights/dataCollectionRules',
          name: 'rule',
          properties: {
            streamDeclarations: { 'Custom-Given': { columns } },
            destinations: { logAnalytics: [{ name: 'la', workspaceResourceId: 'ws' }] },
            dataFlows: [{ streams: ["[variables('stream')]"], destinations: ['la'], outputStream: 'Custom-Given_CL' }],
          },
        },
      ],
    }
    const [loaded] = loadDcrs({ dcr: template, source: 'template.json' }, { variables: { table: 'Given' } })
    expect([...loaded!.streams.keys()]).toEqual(['Custom-Given'])
  })
})

describe('an ARM resource with variables, ingesting end to end', () => {
  test('rows land in the table the variables name', async () => {
    const e = await startEmulator({
      dcrs: [
        {
          type: 'Microsoft.Insights/dataCollectionRules',
          name: "[variables('ruleName')]",
          properties: {
            streamDeclarations: { 'Custom-App': { columns } },
            destinations: { logAnalytics: [{ name: 'la', workspaceResourceId: 'ws' }] },
            dataFlows: [
              {
                streams: ['Custom-App'],
                destinations: ['la'],
                outputStream: "[concat('Custom-', variables('table'))]",
              },
            ],
          },
        },
      ],
      variables: { ruleName: 'app', table: 'FromVar_CL' },
    })
    try {
      expect((await ingest(e, [{ TimeGenerated: recent(), Message: 'hi' }], { stream: 'Custom-App' })).status).toBe(204)
      expect(e.rows('FromVar_CL')).toEqual([expect.objectContaining({ Message: 'hi' })])
    } finally {
      await e.close()
    }
  })
})
