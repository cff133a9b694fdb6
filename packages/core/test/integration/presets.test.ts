/**
 * The presets against the built-in table schemas the emulator enforces (copied from Microsoft's Sentinel stubs):
 * a DCR made from a preset loads, and records mapped by the preset land with every value in the built-in table.
 */
import { type Emulator, startEmulator } from '@dcr-logs/test-harness'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogsIngestionClient, TABLE_PRESETS, type TablePreset } from '../../src/index.ts'

const dcrFor = (preset: TablePreset) => ({
  location: 'westeurope',
  kind: 'Direct',
  properties: {
    streamDeclarations: { [preset.streamName]: { columns: preset.columns } },
    destinations: {
      logAnalytics: [
        {
          workspaceResourceId:
            '/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/ws',
          name: 'ws',
        },
      ],
    },
    dataFlows: [
      { streams: [preset.streamName], destinations: ['ws'], transformKql: 'source', outputStream: preset.outputStream },
    ],
  },
})

let emulator: Emulator
beforeAll(async () => {
  emulator = await startEmulator({ dcrs: Object.values(TABLE_PRESETS).map((p) => ({ dcr: dcrFor(p), name: p.name })) })
})
afterAll(async () => {
  await emulator?.close()
})

describe.each(Object.values(TABLE_PRESETS))('the $name preset in the emulator', (preset) => {
  it(`lands records of the default shape in ${preset.table} with every mapped value`, async () => {
    const rule = emulator.rules.find((r) => r.name === preset.name)!
    const client = createLogsIngestionClient({
      endpoint: rule.endpoint,
      ruleId: rule.ruleId,
      streamName: preset.streamName,
      credential: emulator.credentialConfig,
    })
    const now = Date.now()
    const records = [
      {
        TimeGenerated: new Date(now - 1_000),
        SeverityText: 'warn',
        SeverityNumber: 13,
        Body: 'disk almost full',
        Attributes: { disk: '/var', 'client.address': '10.1.2.3', 'client.port': 52_000 },
        Resource: { 'process.pid': 321, 'service.version': '1.0.0' },
        ServiceName: 'storage',
        HostName: 'node-1',
      },
      {
        TimeGenerated: new Date(now),
        SeverityNumber: 21,
        Body: 'ledger read-only',
        ExceptionType: 'IOError',
        ExceptionMessage: 'EROFS',
      },
    ]
    const mapped = records.map((r) => preset.map(r))
    for (const m of mapped) expect(client.push(m)).toBe(true)
    await client.close()
    expect(client.stats().records).toMatchObject({ delivered: 2, dropped: 0 })

    const rows = await emulator.waitForRows(preset.table, 2)
    expect(emulator.dcrErrors()).toEqual([])
    rows.forEach((row, i) => {
      for (const [column, value] of Object.entries(mapped[i]!)) {
        expect(row[column], `${preset.table}.${column}`).toEqual(value)
      }
    })
  })
})
