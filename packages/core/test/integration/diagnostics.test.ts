import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { type Emulator, startEmulator } from '@dcr-logs/test-harness'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createLogsIngestionClient, DIAGNOSTIC_CHANNELS } from '../../src/index.ts'

let emulator: Emulator

beforeAll(async () => {
  emulator = await startEmulator()
})
afterAll(() => emulator.close())

it('publishes request, retry, token and drop events without tokens, secrets or record contents', async () => {
  const events: { channel: string; message: unknown }[] = []
  const listeners = Object.values(DIAGNOSTIC_CHANNELS).map((name) => {
    const fn = (message: unknown) => events.push({ channel: name, message })
    subscribe(name, fn)
    return [name, fn] as const
  })
  try {
    emulator.setFaults([{ fault: { type: 'status', status: 503 }, times: 1 }])
    const secretBody = 'super-private-record-content'
    const client = createLogsIngestionClient(
      {
        endpoint: emulator.endpoint,
        ruleId: emulator.rules[0]!.ruleId,
        credential: emulator.credentialConfig,
        lingerMs: 5,
        initialDelayMs: 5,
        maxUncompressedBytes: 4096,
      },
      { env: {} },
    )
    client.push({ Body: secretBody })
    client.push({ Body: 'x'.repeat(10_000) })
    await client.flush({ timeoutMs: 10_000 })
    await client.close()

    const byChannel = (c: string) => events.filter((e) => e.channel === c).map((e) => e.message)
    expect(byChannel('dcr-logs:request')).toEqual([
      expect.objectContaining({ status: 503, records: 1, attempt: 1 }),
      expect.objectContaining({ status: 204, records: 1, attempt: 2 }),
    ])
    expect(byChannel('dcr-logs:retry')).toEqual([
      expect.objectContaining({ code: 'SERVER_ERROR', status: 503, records: 1 }),
    ])
    expect(byChannel('dcr-logs:token')).toEqual([expect.objectContaining({ expiresOnTimestamp: expect.any(Number) })])
    expect(byChannel('dcr-logs:drop')).toEqual([expect.objectContaining({ reason: 'record-too-large', records: 1 })])
    const text = JSON.stringify(events)
    expect(text).not.toContain(emulator.clientSecret)
    expect(text).not.toContain(secretBody)
    expect(text).not.toMatch(/Bearer|eyJ[A-Za-z0-9_-]{10,}/)
  } finally {
    for (const [name, fn] of listeners) unsubscribe(name, fn)
  }
})
