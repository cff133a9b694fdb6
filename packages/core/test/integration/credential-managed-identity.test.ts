/**
 * Core's managedIdentity config, and the environment-only path (no credential option, no AZURE_* secrets: core picks
 * DefaultAzureCredential), against the emulator's App Service style managed identity endpoint. MSAL reads
 * IDENTITY_ENDPOINT/IDENTITY_HEADER from process.env and picks its source once per process, hence a file of its own.
 */
import { type Emulator, startEmulator } from '@dcr-logs/test-harness'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createLogsIngestionClient } from '../../src/index.ts'

let emulator: Emulator
const saved = { ...process.env }
beforeAll(async () => {
  emulator = await startEmulator()
  for (const k of Object.keys(process.env))
    if (k.startsWith('AZURE_') || k.startsWith('IDENTITY_')) delete process.env[k]
  Object.assign(process.env, emulator.credentialEnv.managedIdentity)
})
afterEach(() => emulator.reset())
afterAll(async () => {
  process.env = saved
  await emulator.close()
})

describe('managed identity credential configs against the emulator', () => {
  it('managedIdentity (with the identity client id)', async () => {
    const client = createLogsIngestionClient(
      {
        endpoint: emulator.endpoint,
        ruleId: emulator.rules[0]!.ruleId,
        streamName: 'Custom-AppLogs',
        credential: emulator.credentialConfigs.managedIdentity,
        lingerMs: 10,
      },
      { env: {} },
    )
    client.push({ Body: 'managed' })
    expect(await client.flush({ timeoutMs: 20_000 })).toEqual({ settled: true, pending: 0 })
    await client.close()
    expect(emulator.rows<{ Body: string }>('AppLogs_CL').map((r) => r.Body)).toEqual(['managed'])
  })

  it('environment only: DCR_LOGS_* plus IDENTITY_ENDPOINT/IDENTITY_HEADER, core falls back to DefaultAzureCredential', async () => {
    const client = createLogsIngestionClient({ lingerMs: 10 }, { env: emulator.credentialEnv.managedIdentity })
    client.push({ Body: 'default credential' })
    expect(await client.flush({ timeoutMs: 20_000 })).toEqual({ settled: true, pending: 0 })
    await client.close()
    expect(emulator.rows<{ Body: string }>('AppLogs_CL').map((r) => r.Body)).toEqual(['default credential'])
  })
})
