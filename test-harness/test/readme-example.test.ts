// The usage example of README.md, verbatim (a test in readme.test.ts keeps the two identical).
import { ClientSecretCredential } from '@azure/identity'
import { LogsIngestionClient } from '@azure/monitor-ingestion'
import { type Emulator, startEmulator } from '@dcr-logs/test-harness'
import { afterAll, beforeAll, expect, test } from 'vitest'

let emulator: Emulator
beforeAll(async () => {
  emulator = await startEmulator() // HTTPS on 127.0.0.1, a random port, the default DCR
})
afterAll(() => emulator.close())

test('logs land in AppLogs_CL, typed per the DCR', async () => {
  const { tenantId, clientId, clientSecret, authorityHost } = emulator
  const credential = new ClientSecretCredential(tenantId, clientId, clientSecret, {
    authorityHost, // an https URL: the emulator is also the Entra token service
    disableInstanceDiscovery: true, // never ask login.microsoftonline.com about this authority
  })
  const client = new LogsIngestionClient(emulator.endpoint, credential)
  await client.upload(emulator.rules[0]!.ruleId, 'Custom-AppLogs', [{ Body: 'hello', SeverityNumber: '9' }])

  const [row] = await emulator.waitForRows('AppLogs_CL', 1)
  expect(row).toMatchObject({ Body: 'hello', SeverityNumber: 9 })
  expect(emulator.requests()[0]).toMatchObject({ status: 204, records: 1, contentEncoding: 'gzip' })
})
