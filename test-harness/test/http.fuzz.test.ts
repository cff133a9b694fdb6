/**
 * Fuzzing the emulator's request handling over real HTTPS: malformed JSON, arbitrary bytes, gzip bombs and
 * concatenated members, wrong or stacked encodings and content types, JSON that is not an array of objects
 * (`__proto__` keys included), and raw requests with header injection attempts (CR/LF in names and values, huge
 * and duplicated headers, broken request lines) written straight to a TLS socket. Every request gets an answer
 * (or a closed connection for a request line HTTP cannot parse) within a deadline; never a 5xx; and the emulator
 * still ingests a good request afterwards. A fixed seed and budget; `pnpm fuzz` multiplies the runs.
 */
import { connect } from 'node:tls'
import { gzipSync } from 'node:zlib'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Emulator, startEmulator } from '../src/index.ts'
import { fetchToken, ingestPath, send } from './helpers.ts'

const budget = (runs: number) => ({
  seed: Number(process.env['FUZZ_SEED'] ?? 14),
  numRuns: Math.max(1, Math.round(runs * Number(process.env['FUZZ_SCALE'] ?? 1))),
})

let emulator: Emulator
let token: string
let path: string
beforeAll(async () => {
  emulator = await startEmulator({ throttle: false, maxDecompressedBytes: 8 * 1024 * 1024 })
  token = await fetchToken(emulator)
  path = ingestPath(emulator.rules[0]!.ruleId, 'Custom-AppLogs')
})
afterAll(() => emulator.close())

const stillHealthy = async (): Promise<void> => {
  const reply = await send(emulator, path, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
    body: gzipSync(JSON.stringify([{ Body: 'still here' }])),
    timeoutMs: 10_000,
  })
  expect(reply.status).toBe(204)
}

const body = fc.oneof(
  fc.string().map((s) => Buffer.from(s)),
  fc.uint8Array({ maxLength: 2_048 }).map((b) => Buffer.from(b)),
  fc.jsonValue({ maxDepth: 3 }).map((v) => Buffer.from(JSON.stringify(v))),
  fc
    .array(
      fc.dictionary(
        fc.constantFrom('__proto__', 'Body', 'SeverityNumber', 'TimeGenerated', 'x'),
        fc.jsonValue({ maxDepth: 2 }),
      ),
    )
    .map((rows) => Buffer.from(JSON.stringify(rows).replaceAll('"x"', '"__proto__"'))),
  fc.constantFrom(
    Buffer.from('[{"Body":"unterminated'),
    Buffer.from('\uFEFF[]'),
    Buffer.from([0xef, 0xbb, 0xbf, 0x5b, 0x5d]),
    Buffer.from('[{"Body":"\\ud800"}]'),
    Buffer.from(`[${'['.repeat(10_000)}${']'.repeat(10_000)}]`),
  ),
)
const encoded = fc
  .tuple(body, fc.constantFrom('gzip', 'gzip-twice', 'gzip-concat', 'none', 'truncated-gzip'))
  .map(([b, how]) => {
    switch (how) {
      case 'gzip':
        return gzipSync(b)
      case 'gzip-twice':
        return gzipSync(gzipSync(b))
      case 'gzip-concat':
        return Buffer.concat([gzipSync(b), gzipSync(b)])
      case 'truncated-gzip':
        return gzipSync(b).subarray(0, Math.max(1, Math.floor(gzipSync(b).length / 2)))
      default:
        return b
    }
  })
const headerValue = fc.oneof(
  fc.constantFrom(
    'gzip',
    'GZIP',
    ' gzip ',
    'deflate',
    'br',
    'gzip, gzip',
    'identity',
    'x-gzip',
    '',
    'application/json',
  ),
  fc.string({ maxLength: 40 }).filter((s) => /^[\t\x20-\x7e]*$/.test(s)),
)

describe('fuzz: ingestion over HTTPS', () => {
  it('any body, encoding and content type: an answer, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(encoded, headerValue, headerValue, async (payload, encoding, type) => {
        const headers: Record<string, string> = { authorization: `Bearer ${token}` }
        if (encoding !== '') headers['content-encoding'] = encoding
        if (type !== '') headers['content-type'] = type
        const reply = await send(emulator, path, { method: 'POST', headers, body: payload, timeoutMs: 15_000 })
        expect([204, 400, 413, 415]).toContain(reply.status)
        if (reply.status !== 204) expect(reply.json()).toMatchObject({ error: { code: expect.any(String) } })
        expect(({} as Record<string, unknown>)['Body']).toBeUndefined()
      }),
      budget(60),
    )
    await stillHealthy()
  })

  it('gzip bombs are refused with 413 PayloadTooLarge, without inflating them whole', async () => {
    for (const size of [9, 64]) {
      const bomb = gzipSync(Buffer.alloc(size * 1024 * 1024, 0x20))
      const reply = await send(emulator, path, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body: bomb,
        timeoutMs: 15_000,
      })
      expect(bomb.length).toBeLessThan(1_048_576)
      expect(reply.status).toBe(413)
      expect(reply.json()).toMatchObject({ error: { code: 'PayloadTooLarge' } })
    }
    expect(process.memoryUsage().rss).toBeLessThan(2 * 1024 ** 3)
    await stillHealthy()
  })

  it('raw requests with header injection and broken framing: an answer or a closed connection, never a crash', async () => {
    const token_ = token
    const line = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.constantFrom(
        'X-Injected: a\r\nAuthorization: Bearer forged',
        'Content-Length: 5\r\nContent-Length: 7',
        'Transfer-Encoding: chunked\r\nContent-Length: 3',
        'Content-Encoding: gzip\rX: y',
        `Authorization: Bearer ${'A'.repeat(20_000)}`,
        'Host: evil.example\r\n\r\nGET /_emulator/info HTTP/1.1',
        'x-ms-client-request-id: \u0000\u0001',
      ),
    )
    const requestLine = fc.constantFrom(
      `POST ${path} HTTP/1.1`,
      `POST ${path}%0d%0aX:%20y HTTP/1.1`,
      `POST /dataCollectionRules/%2e%2e/streams/x?api-version=2023-01-01 HTTP/1.1`,
      'POST / HTTP/9.9',
      'BREW /coffee HTCPCP/1.0',
      '',
    )
    await fc.assert(
      fc.asyncProperty(
        requestLine,
        fc.array(line, { maxLength: 6 }),
        fc.string({ maxLength: 200 }),
        async (first, lines, rest) => {
          const head = [
            first,
            'Host: 127.0.0.1',
            `Authorization: Bearer ${token_}`,
            'Content-Type: application/json',
            ...lines,
          ]
          const raw = `${head.join('\r\n')}\r\nContent-Length: ${Buffer.byteLength(rest)}\r\nConnection: close\r\n\r\n${rest}`
          const answer = await rawRequest(raw)
          // HTTP/1.1 status line, or the server closed the connection (a request it cannot parse)
          if (answer !== '') expect(answer).toMatch(/^HTTP\/1\.1 [1-4]\d\d /)
        },
      ),
      budget(40),
    )
    await stillHealthy()
  })
})

/** Writes bytes to a TLS connection and returns what came back before the server closed it (10 s at most). */
const rawRequest = (raw: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const socket = connect({
      host: '127.0.0.1',
      port: emulator.port,
      ca: emulator.caCertificate,
      servername: 'localhost',
    })
    const chunks: Buffer[] = []
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`no answer and no close within 10 s to: ${JSON.stringify(raw.slice(0, 200))}`))
    }, 10_000)
    socket.on('secureConnect', () => socket.end(raw))
    socket.on('data', (c: Buffer) => chunks.push(c))
    socket.on('error', () => {})
    socket.on('close', () => {
      clearTimeout(timer)
      resolve(Buffer.concat(chunks).toString('latin1'))
    })
  })
