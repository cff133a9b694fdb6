import { randomBytes } from 'node:crypto'
import { ClientSecretCredential } from '@azure/identity'
import { LogsIngestionClient } from '@azure/monitor-ingestion'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { type AppLogsRow, DEFAULT_RULE_ID, DEFAULT_STREAM_NAME, type Emulator, startEmulator } from '../src/index.ts'

let emulator: Emulator
beforeAll(async () => {
  emulator = await startEmulator()
})
afterAll(() => emulator.close())
afterEach(() => emulator.reset())

const credential = (e: Emulator, secret = e.clientSecret) =>
  new ClientSecretCredential(e.tenantId, e.clientId, secret, {
    authorityHost: e.authorityHost,
    disableInstanceDiscovery: true,
  })

describe('official Azure SDK against the emulator', () => {
  test('LogsIngestionClient with a real ClientSecretCredential uploads rows typed per the DCR', async () => {
    const client = new LogsIngestionClient(emulator.endpoint, credential(emulator))
    const time = new Date(Date.now() - 60_000).toISOString()
    await client.upload(DEFAULT_RULE_ID, DEFAULT_STREAM_NAME, [
      {
        TimeGenerated: time,
        SeverityText: 'info',
        SeverityNumber: '9',
        Body: 'hello',
        Attributes: { user: 'u1' },
        Extra: 'dropped',
      },
      { TimeGenerated: time, SeverityText: 'error', SeverityNumber: 17, Body: 'boom', TraceFlags: 1 },
    ])
    const rows = emulator.rows<AppLogsRow>('AppLogs_CL')
    expect(rows).toHaveLength(2)
    expect(rows[0]).toMatchObject({
      SeverityText: 'info',
      SeverityNumber: 9,
      Body: 'hello',
      Attributes: { user: 'u1' },
      TraceId: '',
    })
    expect(rows[0]!.TimeGenerated).toEqual(new Date(time))
    expect(rows[0]).not.toHaveProperty('Extra')
    expect(rows[1]).toMatchObject({ SeverityNumber: 17, TraceFlags: 1, ObservedTimestamp: null })
    const [request] = emulator.requests()
    expect(request).toMatchObject({
      ruleId: DEFAULT_RULE_ID,
      stream: DEFAULT_STREAM_NAME,
      status: 204,
      records: 2,
      contentEncoding: 'gzip',
    })
    expect(request!.sentBytes).toBeLessThan(request!.uncompressedBytes)
    expect(request!.userAgent).toMatch(/monitor-ingestion/)
  })

  test('a wrong client secret fails like Entra (AADSTS7000215)', async () => {
    await expect(credential(emulator, 'wrong').getToken('https://monitor.azure.com/.default')).rejects.toThrow(
      /AADSTS7000215/,
    )
  })

  test('an oversized record gets 413 ContentLengthLimitExceeded through the SDK', async () => {
    const client = new LogsIngestionClient(emulator.endpoint, credential(emulator))
    const errors: unknown[] = []
    // ~1.5 MB of base64 (about 1.1 MB gzipped): alone in its chunk and still over 1,048,576 bytes gzipped.
    const huge = randomBytes(1_100_000).toString('base64')
    await expect(
      client.upload(DEFAULT_RULE_ID, DEFAULT_STREAM_NAME, [{ Body: huge }], { onError: (e) => errors.push(e.cause) }),
    ).rejects.toThrow()
    expect(errors).toEqual([expect.objectContaining({ statusCode: 413, code: 'ContentLengthLimitExceeded' })])
    expect(emulator.count('AppLogs_CL')).toBe(0)
  })

  test('the SDK retries a 503 with Retry-After and delivers; it does not retry a 429 without it', async () => {
    const client = new LogsIngestionClient(emulator.endpoint, credential(emulator))
    emulator.setFaults([{ fault: { type: 'status', status: 503, retryAfterSeconds: 0 }, times: 2 }])
    await client.upload(DEFAULT_RULE_ID, DEFAULT_STREAM_NAME, [{ Body: 'after two 503s' }])
    expect(emulator.requests().map((r) => r.status)).toEqual([503, 503, 204])
    expect(emulator.rows<AppLogsRow>('AppLogs_CL').map((r) => r.Body)).toEqual(['after two 503s'])

    emulator.reset()
    emulator.setFaults([{ fault: { type: 'status', status: 429 }, times: 1 }])
    await expect(client.upload(DEFAULT_RULE_ID, DEFAULT_STREAM_NAME, [{ Body: 'lost' }])).rejects.toThrow()
    expect(emulator.requests().map((r) => r.status)).toEqual([429])
  })

  test('a connection reset before the body is retried by the SDK', async () => {
    const client = new LogsIngestionClient(emulator.endpoint, credential(emulator))
    emulator.setFaults([{ fault: { type: 'reset', when: 'before-body' }, times: 1 }])
    await client.upload(DEFAULT_RULE_ID, DEFAULT_STREAM_NAME, [{ Body: 'after a reset' }])
    expect(emulator.requests().map((r) => [r.status, r.fault ?? ''])).toEqual([
      [0, 'reset:before-body'],
      [204, ''],
    ])
  })

  test('a 401 fault is reported by the SDK (it does not retry 401); the next upload succeeds', async () => {
    const client = new LogsIngestionClient(emulator.endpoint, credential(emulator))
    emulator.setFaults([{ fault: { type: 'unauthorized' }, times: 1 }])
    const errors: unknown[] = []
    await expect(
      client.upload(DEFAULT_RULE_ID, DEFAULT_STREAM_NAME, [{ Body: 'refused' }], {
        onError: (e) => errors.push(e.cause),
      }),
    ).rejects.toThrow()
    expect(errors).toEqual([expect.objectContaining({ statusCode: 401, code: 'InvalidAuthenticationToken' })])
    await client.upload(DEFAULT_RULE_ID, DEFAULT_STREAM_NAME, [{ Body: 'accepted' }])
    expect(emulator.rows<AppLogsRow>('AppLogs_CL').map((r) => r.Body)).toEqual(['accepted'])
  })

  test('with revoke, the cached token stays refused: the SDK keeps failing until it gets a new token', async () => {
    const client = new LogsIngestionClient(emulator.endpoint, credential(emulator))
    emulator.setFaults([{ fault: { type: 'unauthorized', revoke: true }, times: 1 }])
    await expect(client.upload(DEFAULT_RULE_ID, DEFAULT_STREAM_NAME, [{ Body: '1' }])).rejects.toThrow()
    await expect(client.upload(DEFAULT_RULE_ID, DEFAULT_STREAM_NAME, [{ Body: '2' }])).rejects.toThrow()
    expect(emulator.requests().map((r) => [r.status, r.errorCode])).toEqual([
      [401, 'InvalidAuthenticationToken'],
      [401, 'InvalidAuthenticationToken'],
    ])
    // A fresh credential gets a fresh token, which works.
    await new LogsIngestionClient(emulator.endpoint, credential(emulator)).upload(
      DEFAULT_RULE_ID,
      DEFAULT_STREAM_NAME,
      [{ Body: '3' }],
    )
    expect(emulator.count('AppLogs_CL')).toBe(1)
  })

  test('throttling: the SDK waits for Retry-After and then delivers', async () => {
    const throttled = await startEmulator({ throttle: { requestsPerWindow: 1, windowMs: 2000 } })
    try {
      const client = new LogsIngestionClient(throttled.endpoint, credential(throttled))
      await client.upload(DEFAULT_RULE_ID, DEFAULT_STREAM_NAME, [{ Body: 'first' }])
      await client.upload(DEFAULT_RULE_ID, DEFAULT_STREAM_NAME, [{ Body: 'second' }])
      const requests = throttled.requests()
      expect(requests.map((r) => r.status)).toEqual([204, 429, 204])
      expect(requests[1]).toMatchObject({ errorCode: 'TooManyRequests' })
      expect(throttled.rows<AppLogsRow>('AppLogs_CL').map((r) => r.Body)).toEqual(['first', 'second'])
    } finally {
      await throttled.close()
    }
  })
})
