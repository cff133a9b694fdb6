import { ClientSecretCredential } from '@azure/identity'
import { LogsQueryClient, LogsQueryResultStatus, type LogsTable } from '@azure/monitor-query-logs'
import { type Emulator, startEmulator } from '@dcr-logs/test-harness'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { cleanEnv, runScript } from './run.ts'

/** Runs the demo app (winston, pino in its worker thread, OpenTelemetry) against `emulator`, as a service would run. */
const runApp = (emulator: Emulator) => runScript('app.mjs', { ...cleanEnv(), ...emulator.env })

/** A result table's rows as objects keyed by column name. */
const objects = (table: LogsTable): Record<string, unknown>[] =>
  table.rows.map((row) => Object.fromEntries(table.columnDescriptors.map((c, i) => [c.name!, row[i]])))

let emulator: Emulator
let client: LogsQueryClient
beforeAll(async () => {
  emulator = await startEmulator()
  const run = await runApp(emulator)
  expect(run.code, run.output).toBe(0)
  client = new LogsQueryClient(
    new ClientSecretCredential(emulator.tenantId, emulator.clientId, emulator.clientSecret, {
      authorityHost: emulator.authorityHost,
      disableInstanceDiscovery: true,
    }),
    { endpoint: emulator.queryEndpoint },
  )
})
afterAll(() => emulator.close())

const query = async (kql: string): Promise<Record<string, unknown>[]> => {
  const result = await client.queryWorkspace(emulator.workspaceId, kql, { duration: 'PT1H' })
  if (result.status !== LogsQueryResultStatus.Success) throw new Error(`query failed: ${JSON.stringify(result)}`)
  return objects(result.tables[0]!)
}

describe('LogsQueryClient reads back what winston, pino and OpenTelemetry sent', () => {
  test('every framework’s rows, counted by service and scope', async () => {
    expect(
      await query(
        'AppLogs_CL | where ServiceName startswith "orders-" | summarize Rows = count() by ServiceName, ScopeName | order by ServiceName asc',
      ),
    ).toEqual([
      { ServiceName: 'orders-otel', ScopeName: 'orders', Rows: 3 },
      { ServiceName: 'orders-pino', ScopeName: 'pino', Rows: 4 },
      { ServiceName: 'orders-winston', ScopeName: 'winston', Rows: 4 },
    ])
  })

  test('rows come back unchanged: each column equals what the emulator stored', async () => {
    const stored = emulator.rows('AppLogs_CL')
    const read = await query('AppLogs_CL')
    expect(read).toHaveLength(stored.length)
    read.forEach((row, i) => {
      for (const [column, value] of Object.entries(stored[i]!)) expect(row[column], `row ${i} ${column}`).toEqual(value)
    })
  })

  test('typed values from each framework: attributes as JSON, exceptions, trace context, datetimes as Dates', async () => {
    const [winston] = await query('AppLogs_CL | where ServiceName == "orders-winston" and Body == "order placed"')
    expect(winston).toMatchObject({
      SeverityText: 'info',
      SeverityNumber: 9,
      Attributes: expect.objectContaining({ orderId: 1001, amount: 42.5, currency: 'EUR' }),
    })
    expect(winston!['TimeGenerated']).toBeInstanceOf(Date)
    const [pino] = await query('AppLogs_CL | where ServiceName == "orders-pino" and SeverityNumber >= 17')
    expect(pino).toMatchObject({ Body: 'label printing failed', ExceptionType: 'TypeError' })
    const otel = await query(
      'AppLogs_CL | where ServiceName == "orders-otel" and isnotempty(TraceId) | project Body, TraceId, SpanId | order by Body asc',
    )
    expect(otel).toEqual([
      { Body: 'invoice created', TraceId: '4bf92f3577b34da6a3ce929d0e0e4736', SpanId: '00f067aa0ba902b7' },
      { Body: 'invoice total rounded', TraceId: '4bf92f3577b34da6a3ce929d0e0e4736', SpanId: '00f067aa0ba902b7' },
    ])
  })
})
