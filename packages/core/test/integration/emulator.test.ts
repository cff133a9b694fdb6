/**
 * Real HTTPS to the emulator, real `@azure/identity` credentials against its token endpoint.
 */

import { ClientSecretCredential } from '@azure/identity'
import { DEFAULT_DCR_COLUMNS, type Emulator, startEmulator } from '@dcr-logs/test-harness'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  createLogsIngestionClient,
  DEFAULT_COLUMNS,
  type DropEvent,
  type LogsIngestionClientOptions,
} from '../../src/index.ts'

let emulator: Emulator

beforeAll(async () => {
  emulator = await startEmulator()
})
afterEach(() => emulator.reset())
afterAll(() => emulator.close())

const options = (over: LogsIngestionClientOptions = {}): LogsIngestionClientOptions => ({
  endpoint: emulator.endpoint,
  ruleId: emulator.rules[0]!.ruleId,
  streamName: 'Custom-AppLogs',
  credential: emulator.credentialConfig,
  lingerMs: 20,
  ...over,
})

describe('against the emulator', () => {
  it("declares exactly DEFAULT_COLUMNS in the emulator's default DCR", () => {
    expect(DEFAULT_DCR_COLUMNS.map((c) => ({ name: c.name, type: c.type }))).toEqual(
      DEFAULT_COLUMNS.map((c) => ({ ...c })),
    )
  })

  it('delivers records with a credential config (lazy @azure/identity), gzip, request ids and a User-Agent', async () => {
    const client = createLogsIngestionClient(options(), { env: {} })
    const at = new Date('2026-01-15T10:00:00.000Z')
    for (let i = 0; i < 500; i++) {
      client.push({
        TimeGenerated: new Date(Date.now() - 1000),
        ObservedTimestamp: at,
        SeverityText: 'info',
        SeverityNumber: 9,
        Body: `hello ${i}`,
        Attributes: { i, nested: { ok: true } },
      })
    }
    expect(await client.flush({ timeoutMs: 20_000 })).toEqual({ settled: true, pending: 0 })
    const rows = emulator.rows<{ Body: string; SeverityNumber: number; Attributes: unknown }>('AppLogs_CL')
    expect(rows.map((r) => r.Body)).toEqual(Array.from({ length: 500 }, (_, i) => `hello ${i}`))
    expect(rows[7]).toMatchObject({ SeverityNumber: 9, Attributes: { i: 7, nested: { ok: true } } })
    const requests = emulator.requests()
    expect(requests.every((r) => r.status === 204 && r.contentEncoding === 'gzip')).toBe(true)
    expect(requests[0]!.clientRequestId).toMatch(/^[0-9a-f-]{36}$/)
    expect(requests[0]!.userAgent).toMatch(/^dcr-logs-core\//)
    await client.close()
  })

  it('works from the emulator environment alone (AZURE_*, DCR_LOGS_*), disabling instance discovery for a loopback authority', async () => {
    const client = createLogsIngestionClient({ lingerMs: 10 }, { env: emulator.env })
    client.push({ Body: 'from env' })
    await client.flush({ timeoutMs: 20_000 })
    expect(emulator.rows<{ Body: string }>('AppLogs_CL').map((r) => r.Body)).toEqual(['from env'])
    await client.close()
  })

  it('accepts any TokenCredential, such as a ClientSecretCredential built by the user', async () => {
    const credential = new ClientSecretCredential(emulator.tenantId, emulator.clientId, emulator.clientSecret, {
      authorityHost: emulator.authorityHost,
      disableInstanceDiscovery: true,
    })
    const client = createLogsIngestionClient(options({ credential }), { env: {} })
    client.push({ Body: 'user credential' })
    await client.flush({ timeoutMs: 20_000 })
    expect(emulator.count('AppLogs_CL')).toBe(1)
    await client.close()
  })

  it('reports a wrong secret as auth-failed without retrying for minutes', async () => {
    const drops: DropEvent[] = []
    const client = createLogsIngestionClient(
      options({ credential: { ...emulator.credentialConfig, clientSecret: 'wrong' }, onDrop: (e) => drops.push(e) }),
      { env: {} },
    )
    client.push({ Body: 'x' })
    await client.flush({ timeoutMs: 20_000 })
    expect(drops).toHaveLength(1)
    expect(drops[0]).toMatchObject({ reason: 'auth-failed', retriable: false })
    expect(emulator.requests()).toHaveLength(0)
    await client.close()
  })

  it('reports an unknown DCR as not-found, with the status, Azure code and client request id', async () => {
    const drops: DropEvent[] = []
    const client = createLogsIngestionClient(
      options({ ruleId: 'dcr-ffffffffffffffffffffffffffffffff', onDrop: (e) => drops.push(e) }),
      { env: {} },
    )
    client.push({ Body: 'x' })
    client.push({ Body: 'y' })
    await client.flush({ timeoutMs: 20_000 })
    expect(drops).toHaveLength(1)
    expect(drops[0]).toMatchObject({
      reason: 'not-found',
      status: 404,
      retriable: false,
      records: ['{"Body":"x"}', '{"Body":"y"}'],
    })
    expect(drops[0]!.errorCode).toBeTruthy()
    expect(emulator.requests()[0]!.clientRequestId).toBe(drops[0]!.clientRequestId)
    expect(client.stats().droppedByReason).toEqual({ 'not-found': 2 })
    await client.close()
  })

  it('retries 403 for forbiddenRetryMs (role propagation), then delivers once the role applies', async () => {
    emulator.setFaults([{ fault: { type: 'status', status: 403, code: 'OperationFailed' }, times: 2 }])
    const client = createLogsIngestionClient(options({ initialDelayMs: 10, maxDelayMs: 20 }), { env: {} })
    client.push({ Body: 'eventually' })
    await client.flush({ timeoutMs: 20_000 })
    expect(emulator.requests().map((r) => r.status)).toEqual([403, 403, 204])
    expect(client.stats().lastError?.status).toBe(403)
    await client.close()
  })

  it('fetches a new token after a 401 for a revoked one, bypassing the credential cache', async () => {
    emulator.setFaults([{ fault: { type: 'unauthorized', revoke: true }, times: 1 }])
    const client = createLogsIngestionClient(options(), { env: {} })
    client.push({ Body: 'after 401' })
    await client.flush({ timeoutMs: 20_000 })
    expect(emulator.requests().map((r) => r.status)).toEqual([401, 204])
    expect(emulator.count('AppLogs_CL')).toBe(1)
    await client.close()
  })

  it('times out a hung request and delivers on retry, keeping the client request id', async () => {
    emulator.setFaults([{ fault: { type: 'hang' }, times: 1 }])
    const client = createLogsIngestionClient(options({ requestTimeoutMs: 1_000, initialDelayMs: 10 }), { env: {} })
    client.push({ Body: 'patient' })
    await client.flush({ timeoutMs: 20_000 })
    expect(emulator.count('AppLogs_CL')).toBe(1)
    const ids = new Set(emulator.requests().map((r) => r.clientRequestId))
    expect(ids.size).toBe(1)
    expect(client.stats().requests.byStatus['204']).toBe(1)
    expect(client.stats().requests.byStatus['ETIMEDOUT']).toBeGreaterThanOrEqual(1)
    await client.close()
  })

  it('close() is bounded: a hung request ends as shutdown-timeout', async () => {
    emulator.setFaults([{ fault: { type: 'hang' } }])
    const drops: DropEvent[] = []
    const client = createLogsIngestionClient(options({ onDrop: (e) => drops.push(e) }), { env: {} })
    client.push({ Body: 'stuck' })
    await expect
      .poll(() => emulator.requests().length + (client.stats().records.inFlight > 0 ? 1 : 0))
      .toBeGreaterThan(0)
    const result = await client.close({ timeoutMs: 200 })
    expect(result.settled).toBe(false)
    expect(drops.map((d) => d.reason)).toEqual(['shutdown-timeout'])
    expect(client.stats().records).toMatchObject({ accepted: 1, dropped: 1, queued: 0, inFlight: 0 })
  })
})
