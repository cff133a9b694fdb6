/**
 * The same records through the official `@azure/monitor-ingestion` SDK and through core, against the same
 * emulator: both land everything, core needs several times fewer requests (it packs by size as sent).
 */
import { randomBytes } from 'node:crypto'
import { ClientSecretCredential } from '@azure/identity'
import { LogsIngestionClient } from '@azure/monitor-ingestion'
import { type Emulator, startEmulator } from '@dcr-logs/test-harness'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createLogsIngestionClient } from '../../src/index.ts'

let emulator: Emulator

beforeAll(async () => {
  emulator = await startEmulator()
})
afterAll(() => emulator.close())

it('lands the same records in far fewer requests than @azure/monitor-ingestion', { timeout: 60_000 }, async () => {
  const records = Array.from({ length: 30_000 }, (_, i) => ({
    TimeGenerated: new Date().toISOString(),
    SeverityText: 'info',
    SeverityNumber: 9,
    Body: `request ${i} done`,
    Attributes: { i, user: randomBytes(4).toString('hex') },
  }))
  const credential = new ClientSecretCredential(emulator.tenantId, emulator.clientId, emulator.clientSecret, {
    authorityHost: emulator.authorityHost,
    disableInstanceDiscovery: true,
  })
  const ruleId = emulator.rules[0]!.ruleId
  const sdk = new LogsIngestionClient(emulator.endpoint, credential)
  await sdk.upload(ruleId, 'Custom-AppLogs', records)
  const sdkRequests = emulator.requests().length
  expect(emulator.count('AppLogs_CL')).toBe(records.length)

  emulator.reset()
  const client = createLogsIngestionClient({ endpoint: emulator.endpoint, ruleId, credential }, { env: {} })
  for (const r of records) client.push(r)
  await client.flush({ timeoutMs: 30_000 })
  await client.close()
  expect(emulator.count('AppLogs_CL')).toBe(records.length)
  const ours = emulator.requests().length
  expect(ours * 4).toBeLessThanOrEqual(sdkRequests)
})
