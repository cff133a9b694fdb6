import { X509Certificate } from 'node:crypto'
import { createServer, request } from 'node:https'
import type { AddressInfo } from 'node:net'
import { hostname } from 'node:os'
import type { TLSSocket } from 'node:tls'
import { afterAll, describe, expect, test } from 'vitest'
import { createCertificateAuthority, SERVER_RENEW_BEFORE_MS } from '../src/certs.ts'
import { type Emulator, startEmulator } from '../src/index.ts'
import { addressing, controlRefusal, isLoopbackAddress, requestOrigin } from '../src/network.ts'
import { ServerCertificate } from '../src/server-tls.ts'

const started: Emulator[] = []
afterAll(() => Promise.all(started.map((e) => e.close())))

/** GET through 127.0.0.1 while presenting `name` as SNI and Host, as a client resolving `name` would. */
const getAs = (
  e: Emulator,
  name: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; cert: X509Certificate }> =>
  new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: e.port,
        path,
        servername: name,
        headers: { host: `${name}:${e.port}`, ...headers },
        ca: e.caCertificate,
        agent: false,
      },
      (res) => {
        const cert = new X509Certificate((res.socket as TLSSocket).getPeerCertificate().raw)
        let body = ''
        res.on('data', (c: Buffer) => {
          body += c.toString()
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, cert }))
      },
    )
    req.on('error', reject)
    req.end()
  })

describe('--public-host', () => {
  test('the certificate names the public host, and every advertised URL uses it', async () => {
    const e = await startEmulator({ publicHost: 'logs-emulator' })
    started.push(e)
    expect(e.endpoint).toBe(`https://logs-emulator:${e.port}`)
    expect(e.authorityHost).toBe(e.endpoint)
    expect(e.env['DCR_LOGS_ENDPOINT']).toBe(e.endpoint)
    expect(e.managedIdentity.identityEndpoint.startsWith(e.endpoint)).toBe(true)
    expect(e.credentialEnv.imds['AZURE_POD_IDENTITY_AUTHORITY_HOST']).toBe(e.endpoint)
    expect(e.rules[0]!.endpoint).toBe(e.endpoint)
    expect(e.queryEndpoint).toBe(`https://logs-emulator:${e.port}/v1`)
    expect(e.dashboardUrl).toBe(`https://logs-emulator:${e.port}/_emulator/dashboard/`)
    expect(e.info()).toMatchObject({ queryEndpoint: e.queryEndpoint, dashboardUrl: e.dashboardUrl })
    // Node verifies the certificate against the SNI name: it must cover the public host.
    const reply = await getAs(e, 'logs-emulator', `/${e.tenantId}/v2.0/.well-known/openid-configuration`)
    expect(reply.cert.subjectAltName).toContain('DNS:logs-emulator')
    expect(JSON.parse(reply.body)).toMatchObject({
      token_endpoint: `https://logs-emulator:${e.port}/${e.tenantId}/oauth2/v2.0/token`,
      issuer: `https://logs-emulator:${e.port}/${e.tenantId}/v2.0`,
    })
    // The query API and the dashboard answer under that name too.
    const token = e.createAccessToken({ audience: 'https://api.loganalytics.io' })
    const query = await getAs(
      e,
      'logs-emulator',
      `${new URL(e.queryEndpoint).pathname}/workspaces/${e.workspaceId}/query?query=${encodeURIComponent('print Answer = 42')}`,
      { authorization: `Bearer ${token}` },
    )
    expect([query.status, JSON.parse(query.body)]).toEqual([
      200,
      { tables: [{ name: 'PrimaryResult', columns: [{ name: 'Answer', type: 'long' }], rows: [[42]] }] },
    ])
    const dashboard = await getAs(e, 'logs-emulator', new URL(e.dashboardUrl).pathname)
    expect(dashboard.status).toBe(200)
  })

  test('OpenID metadata follows the name a client used, among the names the certificate covers', async () => {
    const e = await startEmulator({ publicHost: 'logs-emulator' })
    started.push(e)
    const path = `/${e.tenantId}/v2.0/.well-known/openid-configuration`
    const viaLocalhost = JSON.parse((await getAs(e, 'localhost', path)).body) as { token_endpoint: string }
    expect(viaLocalhost.token_endpoint).toBe(`https://localhost:${e.port}/${e.tenantId}/oauth2/v2.0/token`)
    // A Host the certificate does not cover is not echoed back: the advertised origin is used.
    const spoofed = await new Promise<string>((resolve, reject) => {
      request(
        {
          host: '127.0.0.1',
          port: e.port,
          path,
          servername: 'localhost',
          headers: { host: 'evil.example' },
          ca: e.caCertificate,
          agent: false,
        },
        (res) => {
          let body = ''
          res.on('data', (c: Buffer) => {
            body += c.toString()
          })
          res.on('end', () => resolve(body))
        },
      )
        .on('error', reject)
        .end()
    })
    expect((JSON.parse(spoofed) as { token_endpoint: string }).token_endpoint.startsWith(e.endpoint)).toBe(true)
  })

  test('a port in use is reported with the address', async () => {
    const e = await startEmulator()
    started.push(e)
    await expect(startEmulator({ port: e.port })).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      message: expect.stringContaining(`Cannot listen on 127.0.0.1:${e.port}`),
    })
  })

  test('a public host with a scheme or port is refused with what to pass', async () => {
    await expect(startEmulator({ publicHost: 'https://x:1' })).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      message: expect.stringContaining('without scheme or port'),
    })
  })
})

describe('addressing (pure)', () => {
  test('a wildcard bind covers the machine names and advertises loopback unless a public host is given', () => {
    const wild = addressing('0.0.0.0', undefined)
    expect(wild.advertisedHost).toBe('127.0.0.1')
    expect(wild.certificateNames).toContain(hostname())
    expect(wild.certificateNames).not.toContain('0.0.0.0')
    expect(addressing('::', undefined).advertisedHost).toBe('::1')
    const named = addressing('0.0.0.0', 'emulator')
    expect(named.advertisedHost).toBe('emulator')
    expect(named.certificateNames).toContain('emulator')
    expect(addressing('127.0.0.1', undefined)).toEqual({ certificateNames: ['127.0.0.1'], advertisedHost: '127.0.0.1' })
  })

  test('requestOrigin echoes only known names, keeping the port the client used', () => {
    const names = new Set(['localhost', 'emulator', '::1'])
    expect(requestOrigin('emulator:8443', names, 'https://127.0.0.1:1')).toBe('https://emulator:8443')
    expect(requestOrigin('[::1]:9', names, 'https://127.0.0.1:1')).toBe('https://[::1]:9')
    expect(requestOrigin('other:8443', names, 'https://127.0.0.1:1')).toBe('https://127.0.0.1:1')
    expect(requestOrigin(undefined, names, 'https://127.0.0.1:1')).toBe('https://127.0.0.1:1')
    expect(requestOrigin('bad host/', names, 'https://127.0.0.1:1')).toBe('https://127.0.0.1:1')
  })
})

describe('control API access', () => {
  test.each([
    ['127.0.0.1', true],
    ['127.10.0.3', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['172.17.0.3', false],
    ['::ffff:10.0.0.2', false],
    ['fd00::2', false],
    [undefined, false],
  ])('%s is loopback: %s', (address, loopback) => {
    expect(isLoopbackAddress(address)).toBe(loopback)
    expect(controlRefusal('/_emulator/faults', address, false) === undefined).toBe(loopback)
    expect(controlRefusal('/_emulator/faults', address, true)).toBeUndefined()
  })

  test('the refusal covers every path under /_emulator/ (the dashboard too), and says how to allow it', () => {
    for (const path of [
      '/_emulator/info',
      '/_emulator/dashboard',
      '/_emulator/dashboard/',
      '/_emulator/dashboard/events',
      '/_emulator/dashboard/state',
    ]) {
      expect(controlRefusal(path, '172.17.0.3', false), path).toMatch(/from 172\.17\.0\.3.*--allow-remote-control/)
    }
    // Ingestion, tokens and the query API are for every client.
    for (const path of [
      '/dataCollectionRules/dcr-1/streams/Custom-X',
      '/v1/workspaces/w/query',
      '/t/oauth2/v2.0/token',
    ]) {
      expect(controlRefusal(path, '172.17.0.3', false), path).toBeUndefined()
    }
  })

  test('loopback clients keep using the control API', async () => {
    const e = await startEmulator()
    started.push(e)
    const reply = await getAs(e, 'localhost', '/_emulator/counts')
    expect(reply.status).toBe(200)
  })
})

describe('server certificate renewal', () => {
  test('a certificate close to expiry is re-issued in place; new connections get the new one', async () => {
    const ca = await createCertificateAuthority()
    const tls = await ServerCertificate.issue(ca, [])
    const server = createServer({ key: tls.current.key, cert: tls.current.cert }, (_req, res) => res.end('ok'))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const serial = (): Promise<string> =>
      new Promise((resolve, reject) => {
        request(
          { host: '127.0.0.1', port: (server.address() as AddressInfo).port, ca: ca.certificate, agent: false },
          (res) => {
            res.resume()
            resolve(new X509Certificate((res.socket as TLSSocket).getPeerCertificate().raw).serialNumber)
          },
        )
          .on('error', reject)
          .end()
      })
    try {
      const first = await serial()
      expect(await tls.renewIfDue(server)).toBe(false)
      const due = tls.current.notAfter.getTime() - SERVER_RENEW_BEFORE_MS + 1
      expect(await tls.renewIfDue(server, due)).toBe(true)
      expect(tls.current.notAfter.getTime()).toBeGreaterThan(due)
      expect(await serial()).not.toBe(first)
    } finally {
      server.close()
    }
  })
})
