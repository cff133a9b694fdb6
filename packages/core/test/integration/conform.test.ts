/**
 * DCR-aware sending against the emulator: without a declaration, a misspelled field and a wrong type cost data
 * silently (204, then nothing); with one, the client converts, leaves out and says so once per field. The
 * declaration comes inline, from the DCR file, or from Azure Resource Manager (the emulator's ARM read).
 */
import { fileURLToPath } from 'node:url'
import { type AppLogsRow, DEFAULT_DCR, type Emulator, startEmulator } from '@dcr-logs/test-harness'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  createLogsIngestionClient,
  DEFAULT_COLUMNS,
  type DropEvent,
  fetchStreamDeclaration,
  type LogsIngestionClientOptions,
} from '../../src/index.ts'

const DCR_FILE = fileURLToPath(import.meta.resolve('@dcr-logs/test-harness/dcr/app-logs.dcr.json'))
const DCR_ID =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-logs/providers/Microsoft.Insights/dataCollectionRules/dcr-app-logs'

let emulator: Emulator
beforeAll(async () => {
  emulator = await startEmulator({ dcrs: [{ dcr: DEFAULT_DCR, name: 'dcr-app-logs' }] })
})
afterEach(() => emulator.reset())
afterAll(() => emulator.close())

const options = (over: LogsIngestionClientOptions = {}): LogsIngestionClientOptions => ({
  endpoint: emulator.endpoint,
  ruleId: emulator.rules[0]!.ruleId,
  credential: emulator.credentialConfig,
  lingerMs: 20,
  ...over,
})

/** What an app might push: a misspelled column, a number as text, epoch milliseconds, an unconvertible value. */
const records = () => {
  const now = Date.now()
  return [
    {
      TimeGenerated: now - 1_000,
      SeverityNumber: '17',
      SeverityText: 'error',
      Body: 'payment failed',
      Sevrity: 'high',
    },
    { TimeGenerated: now, SeverityNumber: 'very', SeverityText: 'info', Body: 'order placed', TraceFlags: '1' },
  ]
}

const send = async (over: LogsIngestionClientOptions) => {
  const warnings: { message: string; code: string }[] = []
  const client = createLogsIngestionClient(options(over), {
    env: {},
    emitWarning: (message, o) => warnings.push({ message, code: o.code }),
  })
  for (const r of records()) client.push(r)
  await client.close()
  const rows = await emulator.waitForRows<AppLogsRow>('AppLogs_CL', 2)
  return { rows, stats: client.stats(), warnings }
}

describe('DCR-aware sending', () => {
  it('without a declaration, the service stores wrong types empty and drops unknown fields without a word', async () => {
    const { rows, stats, warnings } = await send({})
    expect(stats.records).toMatchObject({ delivered: 2, dropped: 0 })
    expect(stats.conform).toBeUndefined()
    expect(warnings).toEqual([])
    // epoch-ms TimeGenerated and "17" convert in the service too, but "very" is stored empty, and Sevrity is gone
    expect(rows[1]!.SeverityNumber).toBeNull()
    expect(rows[0]).not.toHaveProperty('Sevrity')
    expect(
      emulator
        .dcrErrors()
        .map((e) => e.message)
        .join('\n'),
    ).toContain('SeverityNumber')
  })

  it('with the DCR file, converts what it can, leaves out what it cannot, warns once per field and counts', async () => {
    const { rows, stats, warnings } = await send({
      streamDeclaration: { file: DCR_FILE },
      streamName: 'Custom-AppLogs',
    })
    expect(stats.records).toMatchObject({ delivered: 2, dropped: 0 })
    expect(rows.map((r) => [r.SeverityNumber, r.Body, r.TraceFlags])).toEqual([
      [17, 'payment failed', null],
      [null, 'order placed', 1],
    ])
    expect(rows[0]!.TimeGenerated).toBeInstanceOf(Date)
    // nothing reached the service that it would have had to drop or store empty
    expect(emulator.dcrErrors()).toEqual([])
    expect(stats.conform).toEqual({
      mode: 'convert',
      records: 2,
      changed: 2,
      converted: 4, // two epoch-ms TimeGenerated, "17", "1"
      droppedValues: 1, // "very"
      unknownFields: 1, // Sevrity
      unknownFieldNames: ['Sevrity'],
    })
    expect(warnings.map((w) => w.code)).toEqual(['DCR_LOGS_UNDECLARED_FIELD', 'DCR_LOGS_UNCONVERTIBLE_VALUE'])
    expect(warnings[0]!.message).toContain('"Sevrity" is not declared in stream Custom-AppLogs; it is not sent')
  })

  it("in 'check' mode sends records unchanged and reports what it would have changed", async () => {
    const { stats, warnings } = await send({ streamDeclaration: DEFAULT_COLUMNS, conform: 'check' })
    expect(stats.conform).toMatchObject({ mode: 'check', unknownFields: 1, droppedValues: 1 })
    expect(warnings).toHaveLength(2)
    expect(emulator.dcrErrors()).not.toEqual([])
  })

  it('refuses a value that is not a record as before, with a declaration and a preset', async () => {
    const drops: DropEvent[] = []
    const client = createLogsIngestionClient(
      options({ streamDeclaration: DEFAULT_COLUMNS, preset: 'syslog', onDrop: (e) => drops.push(e) }),
      { env: {} },
    )
    expect(client.push(null as never)).toBe(false)
    await client.close()
    expect(drops.map((d) => [d.reason, d.error.message])).toEqual([
      ['invalid-record', expect.stringContaining('a record must be an object of column → value (got null)')],
    ])
  })

  it('reads the declaration, endpoint and rule id from Resource Manager with the same credential', async () => {
    const dcr = await fetchStreamDeclaration({
      dcrResourceId: DCR_ID,
      credential: emulator.credentialConfig,
      resourceManagerEndpoint: emulator.endpoint,
    })
    expect(dcr).toEqual({
      endpoint: emulator.endpoint,
      ruleId: emulator.rules[0]!.ruleId,
      streamName: 'Custom-AppLogs',
      streamDeclaration: { columns: DEFAULT_COLUMNS.map((c) => ({ ...c })) },
    })
    const client = createLogsIngestionClient(
      { ...dcr, credential: emulator.credentialConfig, lingerMs: 20 },
      { env: {} },
    )
    client.push({ TimeGenerated: new Date(), SeverityNumber: '9', Body: 'from the fetched declaration' })
    await client.close()
    const [row] = await emulator.waitForRows<AppLogsRow>('AppLogs_CL', 1)
    expect(row).toMatchObject({ SeverityNumber: 9, Body: 'from the fetched declaration' })
    expect(client.stats().conform).toMatchObject({ records: 1, converted: 1 })
  })

  it('fails fetchStreamDeclaration with an error that says what to fix', async () => {
    const fetch = (over: object) =>
      fetchStreamDeclaration({
        dcrResourceId: DCR_ID,
        credential: emulator.credentialConfig,
        resourceManagerEndpoint: emulator.endpoint,
        ...over,
      })
    await expect(fetch({ dcrResourceId: DCR_ID.replace('dcr-app-logs', 'dcr-gone') })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      status: 404,
      errorCode: 'ResourceNotFound',
      message: expect.stringContaining('Check dcrResourceId (the DCR\'s "Resource ID"'),
    })
    await expect(fetch({ streamName: 'Custom-Applogs' })).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      message: expect.stringContaining("stream names are case-sensitive: 'Custom-AppLogs'"),
    })
    await expect(fetch({ dcrResourceId: 'dcr-app-logs' })).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      message: expect.stringContaining('Invalid option "dcrResourceId"'),
    })
    await expect(fetch({ resourceManagerAudience: 'https://monitor.azure.com' })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      status: 401,
    })
    await expect(fetch({ credential: { ...emulator.credentialConfig, clientSecret: 'wrong' } })).rejects.toMatchObject({
      code: 'AUTH_FAILED',
    })
  })
})
