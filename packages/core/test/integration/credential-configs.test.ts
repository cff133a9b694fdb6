/**
 * Core's credential configs for a certificate and a federated token (workload identity), end to end: a real
 * `@azure/identity` credential (loaded lazily by core) signs in at the emulator's token endpoint with a client
 * assertion, and the records land.
 */
import { readFile } from 'node:fs/promises'
import { createClientCertificate, type Emulator, startEmulator } from '@dcr-logs/test-harness'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createLogsIngestionClient, type DropEvent, type LogsIngestionClientOptions } from '../../src/index.ts'

let emulator: Emulator
beforeAll(async () => {
  emulator = await startEmulator()
})
afterEach(() => emulator.reset())
afterAll(() => emulator.close())

const send = async (over: LogsIngestionClientOptions, env: Record<string, string> = {}) => {
  const drops: DropEvent[] = []
  const client = createLogsIngestionClient(
    {
      endpoint: emulator.endpoint,
      ruleId: emulator.rules[0]!.ruleId,
      streamName: 'Custom-AppLogs',
      lingerMs: 10,
      onDrop: (e) => drops.push(e),
      ...over,
    },
    { env },
  )
  client.push({ Body: 'one' })
  client.push({ Body: 'two' })
  await client.flush({ timeoutMs: 20_000 })
  await client.close()
  return drops
}

describe('credential configs against the emulator', () => {
  it('clientCertificate with a certificate path', async () => {
    expect(await send({ credential: emulator.credentialConfigs.clientCertificate })).toEqual([])
    expect(emulator.rows<{ Body: string }>('AppLogs_CL').map((r) => r.Body)).toEqual(['one', 'two'])
  })

  it('clientCertificate with the PEM text', async () => {
    const { certificatePath, ...rest } = emulator.credentialConfigs.clientCertificate
    const certificate = await readFile(certificatePath, 'utf8')
    expect(await send({ credential: { ...rest, certificate } })).toEqual([])
    expect(emulator.count('AppLogs_CL')).toBe(2)
  })

  it('clientCertificate from AZURE_CLIENT_CERTIFICATE_PATH alone (instance discovery off for a loopback authority)', async () => {
    expect(await send({}, emulator.credentialEnv.clientCertificate)).toEqual([])
    expect(emulator.count('AppLogs_CL')).toBe(2)
  })

  it('workloadIdentity with the federated token file', async () => {
    expect(await send({ credential: emulator.credentialConfigs.workloadIdentity })).toEqual([])
    expect(emulator.count('AppLogs_CL')).toBe(2)
  })

  it('workloadIdentity from AZURE_FEDERATED_TOKEN_FILE alone', async () => {
    expect(await send({}, emulator.credentialEnv.workloadIdentity)).toEqual([])
    expect(emulator.count('AppLogs_CL')).toBe(2)
  })

  it('a certificate the app does not have is reported as auth-failed, nothing sent', async () => {
    const other = await createClientCertificate('not registered')
    const { certificatePath: _p, ...config } = emulator.credentialConfigs.clientCertificate
    const drops = await send({ credential: { ...config, certificate: `${other.privateKey}${other.certificate}` } })
    expect(drops).toHaveLength(1)
    expect(drops[0]).toMatchObject({ reason: 'auth-failed', retriable: false })
    expect(drops[0]!.error.message).toContain('AADSTS700027')
    expect(emulator.requests()).toHaveLength(0)
  })
})
