import { ClientSecretCredential } from '@azure/identity'
import { LogsIngestionClient } from '@azure/monitor-ingestion'
import { LogsQueryClient, LogsQueryResultStatus, type LogsTable } from '@azure/monitor-query-logs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  DEFAULT_RULE_ID,
  DEFAULT_STREAM_NAME,
  DEFAULT_WORKSPACE_ID,
  type Emulator,
  startEmulator,
} from '../src/index.ts'
import { dcrForWorkspace, fetchToken, send } from './helpers.ts'

const credential = (e: Emulator) =>
  new ClientSecretCredential(e.tenantId, e.clientId, e.clientSecret, {
    authorityHost: e.authorityHost,
    disableInstanceDiscovery: true,
  })

/** A table's rows as objects, keyed by the column names the client reports. */
const objects = (table: LogsTable): Record<string, unknown>[] =>
  table.rows.map((row) => Object.fromEntries(table.columnDescriptors.map((c, i) => [c.name!, row[i]])))

const ALL = { duration: 'P1D' }

let emulator: Emulator
let query: LogsQueryClient
let ingest: LogsIngestionClient
const sent = new Date(Date.now() - 60_000)
beforeAll(async () => {
  emulator = await startEmulator()
  query = new LogsQueryClient(credential(emulator), { endpoint: emulator.queryEndpoint })
  ingest = new LogsIngestionClient(emulator.endpoint, credential(emulator))
  await ingest.upload(DEFAULT_RULE_ID, DEFAULT_STREAM_NAME, [
    {
      TimeGenerated: sent.toISOString(),
      SeverityText: 'info',
      SeverityNumber: 9,
      Body: 'order placed',
      Attributes: { orderId: 1001, tags: ['a', 'b'], nested: { ok: true } },
      ServiceName: 'orders',
      TraceFlags: 1,
    },
    {
      TimeGenerated: sent.toISOString(),
      SeverityText: 'error',
      SeverityNumber: 17,
      Body: 'failed',
      ServiceName: 'orders',
    },
    { TimeGenerated: sent.toISOString(), SeverityText: 'info', SeverityNumber: 9, Body: 'hi', ServiceName: 'billing' },
  ])
})
afterAll(() => emulator.close())

describe('LogsQueryClient (@azure/monitor-query-logs) against the emulator', () => {
  test('the connection details name the query endpoint and the default workspace', () => {
    expect(emulator.queryEndpoint).toBe(`${emulator.endpoint}/v1`)
    expect(emulator.workspaceId).toBe(DEFAULT_WORKSPACE_ID)
    expect(emulator.workspaces).toEqual([
      expect.objectContaining({ workspaceId: DEFAULT_WORKSPACE_ID, name: 'default', tables: ['AppLogs_CL'] }),
    ])
    expect(emulator.rules[0]!.workspaceIds).toEqual([DEFAULT_WORKSPACE_ID])
    expect(emulator.info()).toMatchObject({ queryEndpoint: emulator.queryEndpoint, workspaceId: DEFAULT_WORKSPACE_ID })
  })

  test('reads rows back unchanged: typed values, datetimes as Dates, dynamic values as JSON', async () => {
    const result = await query.queryWorkspace(
      emulator.workspaceId,
      'AppLogs_CL | where SeverityNumber == 9 and ServiceName == "orders"',
      ALL,
    )
    expect(result.status).toBe(LogsQueryResultStatus.Success)
    if (result.status !== LogsQueryResultStatus.Success) return
    const [table] = result.tables
    expect(table!.name).toBe('PrimaryResult')
    const [row] = objects(table!)
    const stored = emulator.rows('AppLogs_CL')[0]!
    for (const [column, value] of Object.entries(stored)) expect(row![column], column).toEqual(value)
    expect(row).toMatchObject({
      TenantId: DEFAULT_WORKSPACE_ID,
      TimeGenerated: sent,
      Body: 'order placed',
      SeverityNumber: 9,
      Attributes: { orderId: 1001, tags: ['a', 'b'], nested: { ok: true } },
      TraceFlags: 1,
      Type: 'AppLogs_CL',
    })
    const types = Object.fromEntries(table!.columnDescriptors.map((c) => [c.name, c.type]))
    expect(types).toMatchObject({
      TenantId: 'string',
      TimeGenerated: 'datetime',
      SeverityNumber: 'int',
      Body: 'string',
      Attributes: 'dynamic',
      TraceFlags: 'int',
      Type: 'string',
    })
    expect(table!.columnDescriptors.map((c) => c.name).at(0)).toBe('TenantId')
    expect(table!.columnDescriptors.map((c) => c.name).at(-1)).toBe('Type')
  })

  test('summarize count() by, bin(), order by, project, take, count and integer division', async () => {
    const result = await query.queryWorkspace(
      emulator.workspaceId,
      'AppLogs_CL | summarize Logs = count(), MaxSeverity = max(SeverityNumber), Half = avg(SeverityNumber) by ServiceName | order by ServiceName asc',
      ALL,
    )
    if (result.status !== LogsQueryResultStatus.Success) throw new Error(result.status)
    expect(objects(result.tables[0]!)).toEqual([
      { ServiceName: 'billing', Logs: 1, MaxSeverity: 9, Half: 9 },
      { ServiceName: 'orders', Logs: 2, MaxSeverity: 17, Half: 13 },
    ])
    expect(result.tables[0]!.columnDescriptors).toEqual([
      { name: 'ServiceName', type: 'string' },
      { name: 'Logs', type: 'long' },
      { name: 'MaxSeverity', type: 'int' },
      { name: 'Half', type: 'real' },
    ])
    const binned = await query.queryWorkspace(
      emulator.workspaceId,
      'AppLogs_CL | where TimeGenerated > ago(1h) | summarize count() by bin(TimeGenerated, 1h) | project TimeGenerated, count_',
      ALL,
    )
    if (binned.status !== LogsQueryResultStatus.Success) throw new Error(binned.status)
    const hour = new Date(Math.floor(sent.getTime() / 3_600_000) * 3_600_000)
    expect(binned.tables[0]!.rows).toEqual([[hour, 3]])
    const counted = await query.queryWorkspace(emulator.workspaceId, 'AppLogs_CL | take 2 | count', ALL)
    if (counted.status !== LogsQueryResultStatus.Success) throw new Error(counted.status)
    expect(counted.tables[0]!.rows).toEqual([[2]])
    const divided = await query.queryWorkspace(
      emulator.workspaceId,
      'AppLogs_CL | extend H = SeverityNumber / 2 | project H | take 1',
      ALL,
    )
    if (divided.status !== LogsQueryResultStatus.Success) throw new Error(divided.status)
    expect(divided.tables[0]!.rows).toEqual([[4]])
  })

  test('the timespan limits TimeGenerated', async () => {
    const later = { startTime: new Date(sent.getTime() + 1000), endTime: new Date() }
    const result = await query.queryWorkspace(emulator.workspaceId, 'AppLogs_CL | count', later)
    if (result.status !== LogsQueryResultStatus.Success) throw new Error(result.status)
    expect(result.tables[0]!.rows).toEqual([[0]])
  })

  test('queryBatch and queryResource (the workspace resource id)', async () => {
    const results = await query.queryBatch([
      { workspaceId: emulator.workspaceId, query: 'AppLogs_CL | count', timespan: ALL },
      { workspaceId: emulator.workspaceId, query: 'AppLogs_CL | where Nope == 1', timespan: ALL },
    ])
    expect(results[0]).toMatchObject({ status: LogsQueryResultStatus.Success, tables: [{ rows: [[3]] }] })
    expect(results[1]).toMatchObject({
      status: LogsQueryResultStatus.PartialFailure,
      partialError: { code: 'BadArgumentError' },
    })
    const byResource = await query.queryResource(emulator.workspaces[0]!.resourceId, 'AppLogs_CL | count', ALL)
    expect(byResource).toMatchObject({ status: LogsQueryResultStatus.Success, tables: [{ rows: [[3]] }] })
  })

  test('a query the emulator cannot run fails with the service error shape, naming the problem', async () => {
    const failure = query.queryWorkspace(emulator.workspaceId, 'AppLogs_CL | where Nope > 1', ALL)
    await expect(failure).rejects.toMatchObject({
      statusCode: 400,
      details: {
        error: {
          code: 'BadArgumentError',
          innererror: {
            code: 'SemanticError',
            innererror: {
              code: 'SEM0100',
              message: expect.stringContaining("Failed to resolve scalar expression named 'Nope'"),
            },
          },
        },
      },
    })
    await expect(query.queryWorkspace(emulator.workspaceId, 'AppLogs_CL | join (X) on Y', ALL)).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringContaining('The request had some invalid properties'),
      details: {
        error: {
          innererror: {
            innererror: {
              code: 'EMULATOR_UNSUPPORTED',
              message: expect.stringContaining("'join' operator is not supported"),
            },
          },
        },
      },
    })
    await expect(query.queryWorkspace('6f1c2a4e-0000-4000-8000-000000000000', 'AppLogs_CL', ALL)).rejects.toMatchObject(
      {
        statusCode: 404,
        details: { error: { code: 'WorkspaceNotFoundError', message: expect.stringContaining(DEFAULT_WORKSPACE_ID) } },
      },
    )
  })

  test('tokens must be for the query audience', async () => {
    const path = `/v1/workspaces/${emulator.workspaceId}/query`
    const body = JSON.stringify({ query: 'AppLogs_CL | count' })
    const post = (headers: Record<string, string>) =>
      send(emulator, path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body })
    const none = await post({})
    expect(none.status).toBe(401)
    expect(none.json()).toMatchObject({ error: { code: 'AuthorizationRequiredError' } })
    const ingestionToken = await fetchToken(emulator, 'https://monitor.azure.com/.default')
    const wrong = await post({ authorization: `Bearer ${ingestionToken}` })
    expect(wrong.status).toBe(403)
    expect(wrong.json()).toMatchObject({
      error: { code: 'InvalidTokenError', innererror: { code: 'InvalidAuthenticationTokenAudience' } },
    })
    const queryToken = await fetchToken(emulator, 'https://api.loganalytics.io/.default')
    const ok = await post({ authorization: `Bearer ${queryToken}` })
    expect(ok.status).toBe(200)
    expect(ok.json()).toEqual({
      tables: [{ name: 'PrimaryResult', columns: [{ name: 'Count', type: 'long' }], rows: [[3]] }],
    })
    // and the query audience is not accepted for ingestion, where Azure answers a wrong audience with 401 (the query
    // API answers 403 InvalidTokenError, as observed in Azure/azure-sdk-for-js#15399)
    const upload = await send(
      emulator,
      `/dataCollectionRules/${DEFAULT_RULE_ID}/streams/${DEFAULT_STREAM_NAME}?api-version=2023-01-01`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${queryToken}`, 'content-type': 'application/json' },
        body: '[]',
      },
    )
    expect(upload.status).toBe(401)
    expect(upload.json()).toMatchObject({ error: { code: 'InvalidAuthenticationTokenAudience' } })
  })

  test('GET with ?query= works too; a path without /v1 gets a PathNotFoundError that says what is served', async () => {
    const token = await fetchToken(emulator, 'https://api.loganalytics.io/.default')
    const get = await send(
      emulator,
      `/v1/workspaces/${emulator.workspaceId}/query?query=${encodeURIComponent('AppLogs_CL | count')}`,
      {
        headers: { authorization: `Bearer ${token}` },
      },
    )
    expect(get.json()).toMatchObject({ tables: [{ rows: [[3]] }] })
    const lost = await send(emulator, '/v1/workspaces', { headers: { authorization: `Bearer ${token}` } })
    expect(lost.status).toBe(404)
    expect(lost.json()).toMatchObject({
      error: { code: 'PathNotFoundError', message: expect.stringContaining('/v1/workspaces/{workspaceId}/query') },
    })
  })
})

describe('DCRs aimed at different workspaces keep their rows apart', () => {
  let two: Emulator
  beforeAll(async () => {
    two = await startEmulator({
      dcrs: [
        { dcr: dcrForWorkspace('team-a'), immutableId: 'dcr-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' },
        { dcr: dcrForWorkspace('team-b'), immutableId: 'dcr-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb' },
      ],
    })
    const client = new LogsIngestionClient(two.endpoint, credential(two))
    await client.upload('dcr-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', DEFAULT_STREAM_NAME, [{ Body: 'for a' }])
    await client.upload('dcr-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', DEFAULT_STREAM_NAME, [
      { Body: 'for b' },
      { Body: 'for b too' },
    ])
  })
  afterAll(() => two.close())

  test('each workspace has a GUID and only its own rows', async () => {
    const [a, b] = two.workspaces
    expect(a!.workspaceId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(a!.workspaceId).not.toBe(b!.workspaceId)
    expect(two.workspaceId).toBe(a!.workspaceId)
    expect(two.rules.map((r) => r.workspaceIds)).toEqual([[a!.workspaceId], [b!.workspaceId]])
    expect(two.rows('AppLogs_CL', { workspaceId: a!.workspaceId }).map((r) => r['Body'])).toEqual(['for a'])
    expect(two.count('AppLogs_CL', { workspaceId: b!.workspaceId })).toBe(2)
    expect(two.count('AppLogs_CL')).toBe(3) // every workspace, as before
    expect(() => two.rows('AppLogs_CL', { workspaceId: 'nope' })).toThrow(/Unknown workspaceId 'nope'/)

    const client = new LogsQueryClient(credential(two), { endpoint: two.queryEndpoint })
    const onlyB = await client.queryWorkspace(b!.workspaceId, 'AppLogs_CL | project Body, TenantId', ALL)
    expect(onlyB).toMatchObject({
      tables: [
        {
          rows: [
            ['for b', b!.workspaceId],
            ['for b too', b!.workspaceId],
          ],
        },
      ],
    })
    const both = await client.queryWorkspace(
      a!.workspaceId,
      'AppLogs_CL | summarize count() by TenantId | order by count_ asc',
      ALL,
      {
        additionalWorkspaces: [b!.workspaceId],
      },
    )
    expect(both).toMatchObject({
      tables: [
        {
          rows: [
            [a!.workspaceId, 1],
            [b!.workspaceId, 2],
          ],
        },
      ],
    })
    expect(two.query('AppLogs_CL | count', { workspaceId: b!.workspaceId }).rows).toEqual([[2]])
  })
})
