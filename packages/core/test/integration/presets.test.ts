/**
 * The presets against the built-in table schemas the emulator enforces (copied from Microsoft's Sentinel stubs), with
 * the DCRs `dcr-logs init --preset …` writes: records mapped by the preset land with every value in the built-in
 * table, and the `preset` option does the mapping in the client.
 */
import { COMMON_SECURITY_LOG_DCR, type Emulator, SYSLOG_DCR, startEmulator } from '@dcr-logs/test-harness'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createLogsIngestionClient, TABLE_PRESETS } from '../../src/index.ts'

let emulator: Emulator
beforeAll(async () => {
  emulator = await startEmulator({
    dcrs: [
      { dcr: SYSLOG_DCR, name: 'syslog' },
      { dcr: COMMON_SECURITY_LOG_DCR, name: 'commonSecurityLog' },
    ],
  })
})
afterEach(() => emulator.reset())
afterAll(async () => {
  await emulator?.close()
})

const defaultShape = () => {
  const now = Date.now()
  return [
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
}

describe.each(Object.values(TABLE_PRESETS))('the $name preset in the emulator', (preset) => {
  it(`lands records of the default shape in ${preset.table} with every mapped value`, async () => {
    const rule = emulator.rules.find((r) => r.name === preset.name)!
    const client = createLogsIngestionClient({
      endpoint: rule.endpoint,
      ruleId: rule.ruleId,
      streamName: preset.streamName,
      credential: emulator.credentialConfig,
    })
    const mapped = defaultShape().map((r) => preset.map(r))
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

  it(`maps in the client with the preset option: its stream by default, rows as the preset maps them`, async () => {
    const rule = emulator.rules.find((r) => r.name === preset.name)!
    const client = createLogsIngestionClient(
      { endpoint: rule.endpoint, ruleId: rule.ruleId, preset: preset.name, credential: emulator.credentialConfig },
      { env: {} },
    )
    expect(client.options.streamName).toBe(preset.streamName)
    const records = defaultShape()
    for (const r of records) expect(client.push(r)).toBe(true)
    await client.close()
    expect(client.stats().records).toMatchObject({ delivered: 2, dropped: 0 })
    expect(client.stats().conform).toMatchObject({ records: 2, changed: 0 })
    const rows = await emulator.waitForRows(preset.table, 2)
    expect(emulator.dcrErrors()).toEqual([])
    rows.forEach((row, i) => {
      for (const [column, value] of Object.entries(preset.map(records[i]!))) expect(row[column], column).toEqual(value)
    })
  })
})
