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
