import { randomBytes } from 'node:crypto'
import { request } from 'node:https'
import { gzipSync } from 'node:zlib'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { type AppLogsRow, DEFAULT_RULE_ID, type Emulator, startEmulator } from '../src/index.ts'
import { fetchToken, ingest, ingestPath, recent, send } from './helpers.ts'

let emulator: Emulator
let token: string
beforeAll(async () => {
  emulator = await startEmulator({ maxDecompressedBytes: 2_000_000 })
  token = await fetchToken(emulator)
})
afterEach(() => emulator.reset())
afterAll(() => emulator.close())

const post = (path: string, headers: Record<string, string>, body: Buffer | string = '[]') =>
  send(emulator, path, { method: 'POST', headers, body })
const auth = () => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' })

const expectAzureError = (
  reply: { status: number; headers: Record<string, unknown>; json: () => unknown },
  status: number,
  code: string,
) => {
  expect(reply.status).toBe(status)
  expect(reply.headers['x-ms-error-code']).toBe(code)
  expect(reply.json()).toMatchObject({ error: { code, message: expect.any(String) } })
}

describe('request checks', () => {
  test('204 with an empty body on success', async () => {
    const reply = await ingest(emulator, [{ TimeGenerated: recent(), Body: 'ok' }])
    expect(reply.status).toBe(204)
    expect(reply.text).toBe('')
    expect(emulator.rows('AppLogs_CL')).toHaveLength(1)
  })

  test('missing or unknown api-version is a 400', async () => {
    expectAzureError(
      await post(ingestPath(DEFAULT_RULE_ID, 'Custom-AppLogs', null), auth()),
      400,
      'MissingApiVersionParameter',
    )
    const reply = await post(ingestPath(DEFAULT_RULE_ID, 'Custom-AppLogs', '2020-01-01'), auth())
    expectAzureError(reply, 400, 'InvalidApiVersionParameter')
    expect((reply.json() as { error: { message: string } }).error.message).toContain('2023-01-01')
  })

  test('the preview api-versions are accepted', async () => {
    const reply = await post(
      ingestPath(DEFAULT_RULE_ID, 'Custom-AppLogs', '2021-11-01-preview'),
      auth(),
      JSON.stringify([{ Body: 'p' }]),
    )
    expect(reply.status).toBe(204)
  })

  test('401 for a missing, malformed, foreign or expired token', async () => {
    const path = ingestPath(DEFAULT_RULE_ID, 'Custom-AppLogs')
    const json = { 'content-type': 'application/json' }
    expectAzureError(await post(path, json), 401, 'AuthenticationFailed')
    expectAzureError(
      await post(path, { ...json, authorization: 'Bearer not.a.jwt' }),
      401,
      'InvalidAuthenticationToken',
    )
    expectAzureError(await post(path, { ...json, authorization: 'Basic abc' }), 401, 'AuthenticationFailed')
    const other = await startEmulator()
    try {
      const foreign = other.createAccessToken()
      expectAzureError(
        await post(path, { ...json, authorization: `Bearer ${foreign}` }),
        401,
        'InvalidAuthenticationToken',
      )
    } finally {
      await other.close()
    }
    const expired = emulator.createAccessToken({ lifetimeSeconds: -5 })
    const reply = await post(path, { ...json, authorization: `Bearer ${expired}` })
    expectAzureError(reply, 401, 'ExpiredAuthenticationToken')
    expect(reply.headers['www-authenticate']).toMatch(/^Bearer authorization_uri=/)
  })

  test('401 InvalidAuthenticationTokenTenant for a token of another tenant; 405 for a method other than POST', async () => {
    const path = ingestPath(DEFAULT_RULE_ID, 'Custom-AppLogs')
    const otherTenant = emulator.createAccessToken({ tenantId: '00000000-0000-0000-0000-000000000009' })
    expectAzureError(
      await post(path, { ...auth(), authorization: `Bearer ${otherTenant}` }),
      401,
      'InvalidAuthenticationTokenTenant',
    )
    expectAzureError(await send(emulator, path, { method: 'GET', headers: auth() }), 405, 'MethodNotAllowed')
    expect(emulator.requests().map((r) => [r.status, r.errorCode])).toEqual([
      [401, 'InvalidAuthenticationTokenTenant'],
      [405, 'MethodNotAllowed'],
    ])
  })

  test('204 carries x-ms-request-id, the CorrelationId of the DCR errors it caused', async () => {
    const reply = await ingest(emulator, [{ Body: 'x', SeverityNumber: 'not a number' }])
    expect(reply.status).toBe(204)
    expect(reply.headers['x-ms-request-id']).toMatch(/^[0-9a-f-]{36}$/)
    expect(emulator.dcrErrors()).toEqual([expect.objectContaining({ correlationId: reply.headers['x-ms-request-id'] })])
  })

  test('a UTF-8 byte order mark and Content-Encoding: identity are accepted', async () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('[{"Body":"bom"}]')])
    const reply = await post(
      ingestPath(DEFAULT_RULE_ID, 'Custom-AppLogs'),
      { ...auth(), 'content-encoding': 'identity' },
      body,
    )
    expect(reply.status).toBe(204)
    expect(emulator.rows<AppLogsRow>('AppLogs_CL').map((r) => r.Body)).toEqual(['bom'])
  })

  test('401 for a token with the wrong audience, as Azure answers', async () => {
    const storage = await fetchToken(emulator, 'https://storage.azure.com/.default')
    const reply = await post(ingestPath(DEFAULT_RULE_ID, 'Custom-AppLogs'), {
      ...auth(),
      authorization: `Bearer ${storage}`,
    })
    expectAzureError(reply, 401, 'InvalidAuthenticationTokenAudience')
  })

  test('a double-slash scope (SDK 1.0.0) gives an audience the service accepts', async () => {
    const t = await fetchToken(emulator, 'https://monitor.azure.com//.default')
    const reply = await ingest(emulator, [{ Body: 'x' }], { token: t })
    expect(reply.status).toBe(204)
  })

  test('404 for an unknown rule or stream', async () => {
    const rule = await post(ingestPath('dcr-ffffffffffffffffffffffffffffffff', 'Custom-AppLogs'), auth())
    expectAzureError(rule, 404, 'NotFound')
    expect((rule.json() as { error: { message: string } }).error.message).toBe(
      "Data collection rule with immutable Id 'dcr-ffffffffffffffffffffffffffffffff' not found.",
    )
    expectAzureError(await post(ingestPath(DEFAULT_RULE_ID, 'Custom-Nope'), auth()), 404, 'NotFound')
  })

  test('415 for a body that is not declared as JSON, or an unknown encoding', async () => {
    const path = ingestPath(DEFAULT_RULE_ID, 'Custom-AppLogs')
    expectAzureError(await post(path, { ...auth(), 'content-type': 'text/plain' }), 415, 'UnsupportedMediaType')
    expectAzureError(await post(path, { ...auth(), 'content-encoding': 'br' }), 415, 'UnsupportedMediaType')
    const charset = await post(path, { ...auth(), 'content-type': 'application/json; charset=utf-8' }, '[{"Body":"c"}]')
    expect(charset.status).toBe(204)
  })

  test('413 ContentLengthLimitExceeded above 1,048,576 bytes as sent, with the service message', async () => {
    const body = Buffer.alloc(1_048_577, 0x20)
    const reply = await post(ingestPath(DEFAULT_RULE_ID, 'Custom-AppLogs'), auth(), body)
    expectAzureError(reply, 413, 'ContentLengthLimitExceeded')
    expect((reply.json() as { error: { message: string } }).error.message).toBe(
      'Maximum allowed content length: 1048576 bytes (1 MB). Provided content length: 1048577 bytes.',
    )
  })

  test('exactly 1,048,576 bytes as sent is accepted, and the limit counts compressed bytes', async () => {
    const record = JSON.stringify({ Body: 'x'.repeat(1000) })
    const count = Math.floor((1_048_576 - 2) / (record.length + 1))
    let text = `[${Array(count).fill(record).join(',')}]`
    text = text.padEnd(1_048_576, ' ')
    const plain = await post(ingestPath(DEFAULT_RULE_ID, 'Custom-AppLogs'), auth(), text)
    expect(plain.status).toBe(204)
    // 1.5 MB uncompressed but small gzipped: accepted.
    const big = `[${Array(1500).fill(record).join(',')}]`
    const reply = await ingest(emulator, undefined, { raw: Buffer.from(big), token })
    expect(reply.status).toBe(204)
    expect(emulator.count('AppLogs_CL')).toBe(count + 1500)
  })

  test('a body over the decompressed limit is refused', async () => {
    const huge = Buffer.alloc(2_000_001, 0x20)
    const reply = await ingest(emulator, undefined, { raw: huge, token })
    expectAzureError(reply, 413, 'PayloadTooLarge')
  })

  test('400 for malformed JSON and for bad gzip', async () => {
    expectAzureError(await post(ingestPath(DEFAULT_RULE_ID, 'Custom-AppLogs'), auth(), '[{"Body": '), 400, 'BadRequest')
    const gz = await post(
      ingestPath(DEFAULT_RULE_ID, 'Custom-AppLogs'),
      { ...auth(), 'content-encoding': 'gzip' },
      'not gzip',
    )
    expectAzureError(gz, 400, 'InvalidContentEncoding')
    const gzBad = await ingest(emulator, undefined, { raw: Buffer.from('{nope'), token })
    expectAzureError(gzBad, 400, 'BadRequest')
  })

  test('valid JSON that is not an array: 204, nothing ingested, a DCR error recorded', async () => {
    const reply = await ingest(emulator, { Body: 'single object' }, { headers: { 'x-ms-client-request-id': 'req-1' } })
    expect(reply.status).toBe(204)
    expect(emulator.rows('AppLogs_CL')).toEqual([])
    expect(emulator.dcrErrors()).toEqual([
      expect.objectContaining({
        clientRequestId: 'req-1',
        inputStreamId: 'Custom-AppLogs',
        operationName: 'Ingestion',
        message: expect.stringContaining('not an array'),
      }),
    ])
  })

  test.each([
    ['a string', '"text"', 'string'],
    ['a number', '42', 'number'],
    ['null', 'null', 'null'],
    ['a boolean', 'true', 'boolean'],
  ])('valid JSON that is %s: 204, nothing ingested, a DCR error', async (_name, text, type) => {
    const reply = await ingest(emulator, undefined, { raw: Buffer.from(text), token })
    expect(reply.status).toBe(204)
    expect(emulator.counts()).toEqual({})
    expect(emulator.requests()[0]).toMatchObject({ status: 204, records: 0 })
    expect(emulator.dcrErrors()).toEqual([
      expect.objectContaining({
        operationName: 'Ingestion',
        message: expect.stringContaining(`JSON ${type}, not an array`),
      }),
    ])
  })

  test('a chunked body (no Content-Length) over 1,048,576 bytes as sent is a 413 too', async () => {
    const reply = await new Promise<{ status: number; code: unknown }>((resolve, reject) => {
      const req = request(
        new URL(ingestPath(DEFAULT_RULE_ID, 'Custom-AppLogs'), emulator.endpoint),
        { method: 'POST', headers: auth(), ca: emulator.caCertificate, agent: false },
        (res) => {
          res.resume()
          res.on('end', () => resolve({ status: res.statusCode ?? 0, code: res.headers['x-ms-error-code'] }))
        },
      )
      req.on('error', reject)
      const chunk = Buffer.alloc(64 * 1024, 0x20)
      for (let i = 0; i < 17; i++) req.write(chunk)
      req.end()
    })
    expect(reply).toEqual({ status: 413, code: 'ContentLengthLimitExceeded' })
    expect(emulator.requests()[0]).toMatchObject({ status: 413, sentBytes: 17 * 64 * 1024 })
  })

  test('array items that are not objects are dropped and reported; the others land', async () => {
    const reply = await ingest(emulator, [{ Body: 'a' }, 'text', 5, null, [1], { Body: 'b' }])
    expect(reply.status).toBe(204)
    expect(emulator.rows<AppLogsRow>('AppLogs_CL').map((r) => r.Body)).toEqual(['a', 'b'])
    expect(emulator.dcrErrors()).toHaveLength(4)
  })

  test('gzip and plain bodies are both accepted; the request log records sizes and ids', async () => {
    await ingest(emulator, [{ Body: 'gz' }], { headers: { 'x-ms-client-request-id': 'gz-1', 'user-agent': 'ua/1' } })
    await ingest(emulator, [{ Body: 'plain' }], { gzip: false })
    const [gz, plain] = emulator.requests()
    expect(gz).toMatchObject({
      status: 204,
      records: 1,
      clientRequestId: 'gz-1',
      userAgent: 'ua/1',
      contentEncoding: 'gzip',
    })
    expect(gz!.uncompressedBytes).toBe(JSON.stringify([{ Body: 'gz' }]).length)
    expect(plain).toMatchObject({ status: 204, sentBytes: plain!.uncompressedBytes })
    expect(plain!.contentEncoding).toBeUndefined()
  })
})

describe('stream declaration enforcement', () => {
  test('undeclared fields are dropped silently and values converted to the declared types', async () => {
    const reply = await ingest(emulator, [
      {
        TimeGenerated: recent(),
        ObservedTimestamp: '2026-01-15 10:00:00',
        SeverityNumber: '17',
        TraceFlags: true,
        Body: 42,
        Attributes: { nested: { a: [1, 2] } },
        Resource: '{"not":"parsed"}',
        Unknown: 'dropped',
      },
    ])
    expect(reply.status).toBe(204)
    const [row] = emulator.rows<AppLogsRow>('AppLogs_CL')
    expect(row).not.toHaveProperty('Unknown')
    expect(row).toMatchObject({
      SeverityNumber: 17,
      TraceFlags: 1,
      Body: '42',
      Attributes: { nested: { a: [1, 2] } },
      Resource: '{"not":"parsed"}',
    })
    expect(row!.ObservedTimestamp).toEqual(new Date('2026-01-15T10:00:00Z'))
    expect(Object.keys(row!)).toHaveLength(18)
    expect(emulator.dcrErrors()).toEqual([])
  })

  test('values that cannot convert are stored empty and recorded as DCR errors, not rejected', async () => {
    const reply = await ingest(
      emulator,
      [{ Body: 'kept', SeverityNumber: 'high', ObservedTimestamp: 'yesterday', TraceFlags: 1e12 }],
      {
        headers: { 'x-ms-client-request-id': 'conv' },
      },
    )
    expect(reply.status).toBe(204)
    const [row] = emulator.rows<AppLogsRow>('AppLogs_CL')
    expect(row).toMatchObject({ Body: 'kept', SeverityNumber: null, ObservedTimestamp: null, TraceFlags: null })
    const [error] = emulator.dcrErrors()
    expect(error).toMatchObject({ clientRequestId: 'conv', operationName: 'Ingestion' })
    expect(error!.message).toContain("column 'SeverityNumber' (int)")
    expect(error!.message).toContain("column 'ObservedTimestamp' (datetime)")
    expect(error!.message).toContain("column 'TraceFlags' (int)")
  })

  test('strings over 64 KB are truncated', async () => {
    await ingest(emulator, [{ Body: 'é'.repeat(40_000) }])
    const [row] = emulator.rows<AppLogsRow>('AppLogs_CL')
    expect(Buffer.byteLength(row!.Body)).toBe(65_536)
    expect(row!.Body).toBe('é'.repeat(32_768))
  })

  test('TimeGenerated more than 2 days old, more than 1 day ahead, or missing becomes the receive time', async () => {
    const before = Date.now()
    const ok = new Date(Date.now() - 86_400_000).toISOString()
    await ingest(emulator, [
      { Body: 'old', TimeGenerated: new Date(Date.now() - 3 * 86_400_000).toISOString() },
      { Body: 'future', TimeGenerated: new Date(Date.now() + 2 * 86_400_000).toISOString() },
      { Body: 'missing' },
      { Body: 'fine', TimeGenerated: ok },
    ])
    const after = Date.now()
    const rows = emulator.rows<AppLogsRow>('AppLogs_CL')
    for (const r of rows.slice(0, 3)) {
      expect(r.TimeGenerated.getTime()).toBeGreaterThanOrEqual(before)
      expect(r.TimeGenerated.getTime()).toBeLessThanOrEqual(after)
    }
    expect(rows[3]!.TimeGenerated).toEqual(new Date(ok))
  })

  test('sovereign audiences are accepted when configured', async () => {
    const us = await startEmulator({ audiences: ['https://monitor.azure.us'] })
    try {
      const usToken = await fetchToken(us, 'https://monitor.azure.us/.default')
      expect((await ingest(us, [{ Body: 'gov' }], { token: usToken })).status).toBe(204)
      const publicToken = await fetchToken(us)
      expect((await ingest(us, [{ Body: 'x' }], { token: publicToken })).status).toBe(401)
    } finally {
      await us.close()
    }
  })

  test('the China audience works the same way when configured, next to the public one', async () => {
    const cn = await startEmulator({ audiences: ['https://monitor.azure.cn', 'https://monitor.azure.com'] })
    try {
      const cnToken = await fetchToken(cn, 'https://monitor.azure.cn/.default')
      expect((await ingest(cn, [{ Body: 'cn' }], { token: cnToken })).status).toBe(204)
      expect((await ingest(cn, [{ Body: 'public' }])).status).toBe(204)
      const usToken = await fetchToken(cn, 'https://monitor.azure.us/.default')
      const reply = await ingest(cn, [{ Body: 'us' }], { token: usToken })
      expectAzureError(reply, 401, 'InvalidAuthenticationTokenAudience')
      expect(cn.count('AppLogs_CL')).toBe(2)
    } finally {
      await cn.close()
    }
  })

  test('waitForRows resolves once enough rows arrived, and times out with a summary', async () => {
    const waiting = emulator.waitForRows<AppLogsRow>('AppLogs_CL', 3, { timeoutMs: 5000 })
    await ingest(emulator, [{ Body: '1' }, { Body: '2' }])
    await ingest(emulator, [{ Body: '3' }])
    expect((await waiting).map((r) => r.Body)).toEqual(['1', '2', '3'])
    await expect(emulator.waitForRows('AppLogs_CL', 10, { timeoutMs: 50 })).rejects.toMatchObject({
      code: 'TIMEOUT',
      message: expect.stringMatching(/'AppLogs_CL' has 3 row\(s\).*ingestion requests: 2 \(2 × 204\)/),
    })
  })

  test('retainRows: false counts rows without keeping them', async () => {
    const lean = await startEmulator({ retainRows: false })
    try {
      await ingest(
        lean,
        Array.from({ length: 5 }, (_, i) => ({ Body: `r${i}`, Attributes: randomBytes(4).toString('hex') })),
      )
      expect(lean.count('AppLogs_CL')).toBe(5)
      expect(lean.counts()).toEqual({ AppLogs_CL: 5 })
      expect(lean.rows('AppLogs_CL')).toEqual([])
      await expect(lean.waitForRows('AppLogs_CL', 5)).resolves.toEqual([])
    } finally {
      await lean.close()
    }
  })

  test('a 2,000-record gzipped body lands completely', async () => {
    const records = Array.from({ length: 2000 }, (_, i) => ({ Body: `row ${i}`, SeverityNumber: i % 24 }))
    const raw = gzipSync(Buffer.from(JSON.stringify(records)))
    const reply = await post(
      ingestPath(DEFAULT_RULE_ID, 'Custom-AppLogs'),
      { ...auth(), 'content-encoding': 'gzip' },
      raw,
    )
    expect(reply.status).toBe(204)
    expect(emulator.count('AppLogs_CL')).toBe(2000)
  })
})

describe('every declared column type, over HTTPS', () => {
  const columns = [
    { name: 'TimeGenerated', type: 'datetime' },
    { name: 'S', type: 'string' },
    { name: 'I', type: 'int' },
    { name: 'L', type: 'long' },
    { name: 'R', type: 'real' },
    { name: 'B', type: 'boolean' },
    { name: 'D', type: 'dynamic' },
    { name: 'T', type: 'datetime' },
  ]
  const typesDcr = {
    properties: {
      streamDeclarations: { 'Custom-Types': { columns } },
      destinations: { logAnalytics: [{ name: 'la', workspaceResourceId: 'ws' }] },
      dataFlows: [
        { streams: ['Custom-Types'], destinations: ['la'], transformKql: 'source', outputStream: 'Custom-Types_CL' },
      ],
    },
  }
  let typed: Emulator
  beforeAll(async () => {
    typed = await startEmulator({ dcrs: [typesDcr] })
  })
  afterAll(() => typed.close())

  test('JSON values are converted to string, int, long, real, boolean, dynamic and datetime', async () => {
    const time = recent()
    const reply = await ingest(typed, [
      {
        TimeGenerated: time,
        S: 12.5,
        I: '42',
        L: '9007199254740991',
        R: '2.5',
        B: 'True',
        D: '{"a":1}',
        T: '2026-01-15T10:00:00+02:00',
      },
      { TimeGenerated: time, S: { o: [1] }, I: 7.9, L: -5, R: 3, B: 0, D: { k: [1, 'x'] }, T: '2026-01-15 10:00' },
      {
        TimeGenerated: time,
        S: true,
        I: true,
        L: false,
        R: '-1e3',
        B: 1,
        D: [1, 2],
        T: 'Thu, 15 Jan 2026 10:00:00 GMT',
      },
      { TimeGenerated: time },
    ])
    expect(reply.status).toBe(204)
    expect(typed.dcrErrors()).toEqual([])
    const rows = typed.rows('Types_CL')
    expect(rows[0]).toEqual({
      TimeGenerated: new Date(time),
      S: '12.5',
      I: 42,
      L: 9_007_199_254_740_991,
      R: 2.5,
      B: true,
      D: '{"a":1}',
      T: new Date('2026-01-15T08:00:00Z'),
    })
    expect(rows[1]).toMatchObject({ S: '{"o":[1]}', I: 7, L: -5, R: 3, B: false, D: { k: [1, 'x'] } })
    expect(rows[1]!['T']).toEqual(new Date('2026-01-15T10:00:00Z'))
    expect(rows[2]).toMatchObject({ S: 'true', I: 1, L: 0, R: -1000, B: true, D: [1, 2] })
    expect(rows[2]!['T']).toEqual(new Date('2026-01-15T10:00:00Z'))
    // Missing values: '' for strings, null for everything else.
    expect(rows[3]).toEqual({
      TimeGenerated: new Date(time),
      S: '',
      I: null,
      L: null,
      R: null,
      B: null,
      D: null,
      T: null,
    })
  })

  test('a value of each type that cannot convert is stored empty and listed in one DCR error per record', async () => {
    typed.reset()
    const reply = await ingest(
      typed,
      [
        { S: 'kept', I: 'x', L: 'y', R: 'z', B: 'maybe', T: 'not a date' },
        { S: 'also kept', I: 3_000_000_000, L: 'NaN' },
      ],
      { headers: { 'x-ms-client-request-id': 'types-1' } },
    )
    expect(reply.status).toBe(204)
    const rows = typed.rows('Types_CL')
    expect(rows.map((r) => r['S'])).toEqual(['kept', 'also kept'])
    expect(rows[0]).toMatchObject({ I: null, L: null, R: null, B: null, T: null })
    expect(rows[1]).toMatchObject({ I: null, L: null })
    const errors = typed.dcrErrors()
    expect(errors).toHaveLength(2)
    for (const column of ["'I' (int)", "'L' (long)", "'R' (real)", "'B' (boolean)", "'T' (datetime)"]) {
      expect(errors[0]!.message).toContain(`column ${column}`)
    }
    expect(errors[0]!.message).toMatch(/^Record 0: /)
    expect(errors[1]!.message).toMatch(/^Record 1: .*'I' \(int\) could not be converted from 3000000000/)
    expect(errors.every((e) => e.clientRequestId === 'types-1' && e.inputStreamId === 'Custom-Types')).toBe(true)
  })
})
