import { X509Certificate } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { request } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { issueServerCertificate } from '../src/certs.ts'
import { createCertificateAuthority, type Emulator, startEmulator } from '../src/index.ts'

const started: Emulator[] = []
afterAll(() => Promise.all(started.map((e) => e.close())))

const peer = (url: string, ca: string): Promise<{ status: number; cert: X509Certificate }> =>
  new Promise((resolve, reject) => {
    const req = request(`${url}/_emulator/info`, { ca, agent: false }, (res) => {
      const raw = (res.socket as import('node:tls').TLSSocket).getPeerCertificate().raw
      res.resume()
      resolve({ status: res.statusCode ?? 0, cert: new X509Certificate(raw) })
    })
    req.on('error', reject)
    req.end()
  })

describe('TLS', () => {
  test('the server certificate covers 127.0.0.1 and localhost and chains to the published CA', async () => {
    const e = await startEmulator({ caDir: await mkdtemp(join(tmpdir(), 'ca-test-')) })
    started.push(e)
    const ip = await peer(e.endpoint, e.caCertificate)
    expect(ip.status).toBe(200)
    expect(ip.cert.subjectAltName).toContain('IP Address:127.0.0.1')
    expect(ip.cert.subjectAltName).toContain('DNS:localhost')
    expect(ip.cert.checkIssued(new X509Certificate(e.caCertificate))).toBe(true)
    const viaName = await peer(e.endpoint.replace('127.0.0.1', 'localhost'), e.caCertificate)
    expect(viaName.status).toBe(200)
  })

  test('a client that does not trust the CA is refused (verification stays on)', async () => {
    const e = await startEmulator()
    started.push(e)
    const other = await createCertificateAuthority()
    await expect(peer(e.endpoint, other.certificate)).rejects.toMatchObject({
      code: expect.stringMatching(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN/),
    })
  })

  test('caFile holds the CA certificate and no private key', async () => {
    const e = await startEmulator()
    started.push(e)
    const text = await readFile(e.caFile, 'utf8')
    expect(text.trim()).toBe(e.caCertificate.trim())
    expect(text).not.toContain('PRIVATE KEY')
    expect(new X509Certificate(text).ca).toBe(true)
    expect(e.env['NODE_EXTRA_CA_CERTS']).toBe(e.caFile)
  })

  test('a CA directory is reused across starts, each start gets a fresh server certificate', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ca-reuse-'))
    try {
      const a = await startEmulator({ caDir: dir })
      const b = await startEmulator({ caDir: dir })
      started.push(a, b)
      expect(a.caCertificate).toBe(b.caCertificate)
      expect(a.caFile).toBe(join(dir, 'ca.pem'))
      const [ca, cb] = await Promise.all([peer(a.endpoint, a.caCertificate), peer(b.endpoint, b.caCertificate)])
      expect(ca.cert.serialNumber).not.toBe(cb.cert.serialNumber)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  test('an unusable CA key file is reported with what to do', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ca-bad-'))
    try {
      await (await import('node:fs/promises')).writeFile(join(dir, 'ca-key.pem'), 'garbage')
      await expect(startEmulator({ caDir: dir })).rejects.toMatchObject({
        code: 'INVALID_CA',
        message: expect.stringContaining('Delete the directory'),
      })
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  test('server certificates are valid X.509 v3 with serverAuth', async () => {
    const ca = await createCertificateAuthority()
    const { cert } = await issueServerCertificate(ca, Date.now(), ['dcr.test'])
    const x = new X509Certificate(cert)
    expect(x.subjectAltName).toContain('DNS:dcr.test')
    expect(x.checkIssued(new X509Certificate(ca.certificate))).toBe(true)
    expect(x.verify(new X509Certificate(ca.certificate).publicKey)).toBe(true)
    expect(x.keyUsage).toContain('1.3.6.1.5.5.7.3.1')
  })

  test('the Vitest global setup put the run CA in NODE_EXTRA_CA_CERTS, and emulators use it', async () => {
    const e = await startEmulator()
    started.push(e)
    expect(process.env['DCR_LOGS_EMULATOR_CA_DIR']).toBeTruthy()
    const trusted = await readFile(process.env['NODE_EXTRA_CA_CERTS']!, 'utf8')
    expect(trusted).toContain(e.caCertificate.trim())
    // default agent, no `ca` option: trusted through NODE_EXTRA_CA_CERTS alone
    const status = await new Promise<number>((resolve, reject) => {
      request(`${e.endpoint}/_emulator/info`, (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
        .on('error', reject)
        .end()
    })
    expect(status).toBe(200)
  })
})
