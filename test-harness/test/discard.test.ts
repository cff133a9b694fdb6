import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Emulator, startEmulator } from '../src/index.ts'

describe('discardRecords', () => {
  let emulator: Emulator
  beforeAll(async () => {
    emulator = await startEmulator({ discardRecords: true })
  })
  afterAll(() => emulator.close())

  const post = (body: Buffer, token = emulator.createAccessToken()) =>
    fetch(
      `${emulator.endpoint}/dataCollectionRules/${emulator.env['DCR_LOGS_RULE_ID']}/streams/${emulator.env['DCR_LOGS_STREAM_NAME']}?api-version=2023-01-01`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body,
      },
    )

  it('answers 204 to a well-formed request without reading its records, and logs its sizes', async () => {
    const json = Buffer.from(JSON.stringify([{ Body: 'a' }, { Body: 'b' }]))
    const res = await post(gzipSync(json))
    expect(res.status).toBe(204)
    expect(emulator.counts()).toEqual({})
    expect(emulator.requests().at(-1)).toMatchObject({ status: 204, uncompressedBytes: json.length })
  })

  it('still checks the framing: the token and the gzip data', async () => {
    expect((await post(gzipSync('[]'), 'not-a-token')).status).toBe(401)
    expect((await post(Buffer.from('not gzip'))).status).toBe(400)
  })
})
