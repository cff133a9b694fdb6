/**
 * Network options against the emulator: CONNECT proxies (option and HTTPS_PROXY/NO_PROXY), the `ca` option.
 */
import http from 'node:http'
import net from 'node:net'
import { createCertificateAuthority, type Emulator, startEmulator } from '@dcr-logs/test-harness'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogsIngestionClient, type DropEvent, type LogsIngestionClientOptions } from '../../src/index.ts'

let emulator: Emulator

/** A minimal CONNECT proxy on 127.0.0.1 that counts tunnels and can demand credentials. */
const startProxy = async (requireAuth?: string) => {
  const tunnels: string[] = []
  const server = http.createServer((_req, res) => res.writeHead(405).end())
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    if (
      requireAuth !== undefined &&
      req.headers['proxy-authorization'] !== `Basic ${Buffer.from(requireAuth).toString('base64')}`
    ) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n')
      return
    }
    tunnels.push(req.url ?? '')
    const [host, port] = (req.url ?? '').split(':')
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())).then(() => server.closeAllConnections()),
  }
}

beforeAll(async () => {
  emulator = await startEmulator()
})
afterAll(() => emulator.close())

const options = (over: LogsIngestionClientOptions = {}): LogsIngestionClientOptions => ({
  endpoint: emulator.endpoint,
  ruleId: emulator.rules[0]!.ruleId,
  credential: emulator.credentialConfig,
  lingerMs: 10,
  ...over,
})

describe('proxy', () => {
  it('tunnels through the proxy option with CONNECT and reuses the tunnel (keep-alive)', async () => {
    emulator.reset()
    const proxy = await startProxy()
    const client = createLogsIngestionClient(options({ proxy: proxy.url, concurrency: 1 }), { env: {} })
    for (let round = 0; round < 3; round++) {
      client.push({ Body: `via proxy ${round}` })
      await client.flush({ timeoutMs: 10_000 })
    }
    expect(emulator.count('AppLogs_CL')).toBe(3)
    expect(proxy.tunnels).toEqual([new URL(emulator.endpoint).host])
    await client.close()
    await proxy.close()
  })

  it('uses HTTPS_PROXY with credentials, and honours NO_PROXY', async () => {
    emulator.reset()
    const proxy = await startProxy('user:p@ss')
    const withAuth = `http://user:${encodeURIComponent('p@ss')}@${new URL(proxy.url).host}`
    const client = createLogsIngestionClient(options(), { env: { HTTPS_PROXY: withAuth } })
    client.push({ Body: 'env proxy' })
    await client.flush({ timeoutMs: 10_000 })
    expect(proxy.tunnels).toHaveLength(1)
    await client.close()

    const bypass = createLogsIngestionClient(options(), {
      env: { HTTPS_PROXY: withAuth, NO_PROXY: 'localhost,127.0.0.1' },
    })
    bypass.push({ Body: 'no proxy' })
    await bypass.flush({ timeoutMs: 10_000 })
    expect(proxy.tunnels).toHaveLength(1)
    expect(emulator.count('AppLogs_CL')).toBe(2)
    await bypass.close()
    await proxy.close()
  })

  it('reports a proxy that refuses credentials as a configuration error, without retrying', async () => {
    const proxy = await startProxy('user:secret')
    const drops: DropEvent[] = []
    const client = createLogsIngestionClient(options({ proxy: proxy.url, onDrop: (e) => drops.push(e) }), { env: {} })
    client.push({ Body: 'x' })
    await client.flush({ timeoutMs: 10_000 })
    expect(drops[0]).toMatchObject({ reason: 'http-error', errorCode: 'ERR_PROXY_AUTH', retriable: false })
    expect(drops[0]!.error.message).toMatch(/407/)
    await client.close()
    await proxy.close()
  })
})

/** A plain TCP forwarder to the emulator that counts the connections the client opens. */
const startForwarder = async (target: URL) => {
  let connections = 0
  const sockets = new Set<net.Socket>()
  const server = net.createServer((client) => {
    connections++
    const upstream = net.connect(Number(target.port), target.hostname)
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on('close', () => sockets.delete(s))
      s.on('error', () => {
        client.destroy()
        upstream.destroy()
      })
    }
    client.pipe(upstream).pipe(client)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  return {
    url: `https://127.0.0.1:${port}`,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}

describe('connections', () => {
  it('keeps connections alive between requests and opens at most `concurrency` of them', async () => {
    emulator.reset()
    const forwarder = await startForwarder(new URL(emulator.endpoint))
    const client = createLogsIngestionClient(
      options({ endpoint: forwarder.url, concurrency: 2, maxRecordsPerRequest: 50 }),
      { env: {} },
    )
    for (let round = 0; round < 3; round++) {
      client.push({ Body: `round ${round}` })
      await client.flush({ timeoutMs: 10_000 })
    }
    expect(forwarder.connections()).toBe(1)
    for (let i = 0; i < 1000; i++) client.push({ Body: `burst ${i}` })
    await client.flush({ timeoutMs: 20_000 })
    expect(emulator.count('AppLogs_CL')).toBe(1003)
    expect(emulator.requests().length).toBe(23)
    expect(forwarder.connections()).toBeLessThanOrEqual(2)
    await client.close()
    await forwarder.close()
  })

  it('gives up a connection that does not complete within connectTimeoutMs, and retries it', async () => {
    // accepts TCP, never answers the TLS handshake
    const sockets = new Set<net.Socket>()
    const silent = net.createServer((s) => {
      sockets.add(s)
      s.on('error', () => {})
    })
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const drops: DropEvent[] = []
    const client = createLogsIngestionClient(
      {
        endpoint: `https://127.0.0.1:${(silent.address() as net.AddressInfo).port}`,
        ruleId: emulator.rules[0]!.ruleId,
        credential: { getToken: async () => ({ token: 'unused', expiresOnTimestamp: Date.now() + 600_000 }) },
        lingerMs: 1,
        connectTimeoutMs: 150,
        maxRetryTimeMs: 500,
        initialDelayMs: 10,
        onDrop: (e) => drops.push(e),
      },
      { env: {} },
    )
    client.push({ Body: 'x' })
    await client.flush({ timeoutMs: 10_000 })
    expect(drops).toHaveLength(1)
    expect(drops[0]).toMatchObject({ reason: 'retries-exhausted', errorCode: 'ECONNECT_TIMEOUT', retriable: true })
    expect(drops[0]!.error.message).toMatch(/connectTimeoutMs/)
    expect(client.stats().requests.byStatus['ECONNECT_TIMEOUT']).toBeGreaterThanOrEqual(2)
    await client.close()
    for (const s of sockets) s.destroy()
    await new Promise<void>((resolve) => silent.close(() => resolve()))
  })
})

describe('plain http', () => {
  it('sends to a loopback http endpoint only with allowInsecureHttp (local test servers)', async () => {
    const seen: { url: string; headers: http.IncomingHttpHeaders; bytes: number }[] = []
    const server = http.createServer((req, res) => {
      let bytes = 0
      req.on('data', (d: Buffer) => (bytes += d.length))
      req.on('end', () => {
        seen.push({ url: req.url ?? '', headers: req.headers, bytes })
        res.writeHead(204).end()
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const endpoint = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`
    const credential = { getToken: async () => ({ token: 'local', expiresOnTimestamp: Date.now() + 600_000 }) }
    const ruleId = 'dcr-00000000000000000000000000000000'
    expect(() => createLogsIngestionClient({ endpoint, ruleId, credential }, { env: {} })).toThrow(/allowInsecureHttp/)
    const client = createLogsIngestionClient(
      { endpoint, ruleId, credential, lingerMs: 5 },
      { env: { DCR_LOGS_ALLOW_INSECURE_HTTP: 'true' } },
    )
    client.push({ Body: 'over http' })
    expect(await client.flush({ timeoutMs: 10_000 })).toEqual({ settled: true, pending: 0 })
    expect(seen).toHaveLength(1)
    expect(seen[0]!.url).toBe(`/dataCollectionRules/${ruleId}/streams/Custom-AppLogs?api-version=2023-01-01`)
    expect(seen[0]!.headers).toMatchObject({ 'content-encoding': 'gzip', authorization: 'Bearer local' })
    expect(Number(seen[0]!.headers['content-length'])).toBe(seen[0]!.bytes)
    await client.close()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })
})

describe('ca', () => {
  it('adds `ca` to the trusted roots; an unrelated `ca` does not make the emulator trusted', async () => {
    const other = await createCertificateAuthority()
    const drops: DropEvent[] = []
    // env {}: no NODE_EXTRA_CA_CERTS to keep, so trust comes from `ca` alone
    const untrusted = createLogsIngestionClient(options({ ca: other.certificate, onDrop: (e) => drops.push(e) }), {
      env: {},
    })
    untrusted.push({ Body: 'x' })
    await untrusted.flush({ timeoutMs: 10_000 })
    expect(drops[0]).toMatchObject({ reason: 'http-error', retriable: false })
    await untrusted.close()

    emulator.reset()
    const trusted = createLogsIngestionClient(options({ ca: [other.certificate, emulator.caCertificate] }), { env: {} })
    trusted.push({ Body: 'trusted by ca' })
    await trusted.flush({ timeoutMs: 10_000 })
    expect(emulator.count('AppLogs_CL')).toBe(1)
    await trusted.close()
  })

  it('keeps NODE_EXTRA_CA_CERTS trusted when `ca` is given', async () => {
    emulator.reset()
    const other = await createCertificateAuthority()
    const client = createLogsIngestionClient(options({ ca: other.certificate }), {
      env: { NODE_EXTRA_CA_CERTS: emulator.caFile },
    })
    client.push({ Body: 'extra certs kept' })
    await client.flush({ timeoutMs: 10_000 })
    expect(emulator.count('AppLogs_CL')).toBe(1)
    await client.close()
  })
})
