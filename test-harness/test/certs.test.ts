import { createPublicKey, generateKeyPairSync, X509Certificate } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { CA_CERT_FILE, loadOrCreateCertificateAuthority } from '../src/ca-store.ts'
import {
  CA_LIFETIME_MS,
  CA_RENEW_BEFORE_MS,
  createCertificateAuthority,
  createClientCertificate,
  issueServerCertificate,
  needsRenewal,
  SERVER_CERT_LIFETIME_MS,
} from '../src/certs.ts'
import { buildCertificate, KeyUsageFlags, thumbprints } from '../src/x509.ts'

const DAY = 86_400_000
const dirs: string[] = []
const tempDir = async (): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'certs-test-'))
  dirs.push(dir)
  return dir
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })))
})

describe('x509 builder', () => {
  test('a self-signed certificate parses, verifies with its own key, and carries the requested fields', () => {
    const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const notBefore = new Date('2026-01-01T00:00:00Z')
    const pem = buildCertificate({
      commonName: 'unit test',
      organization: 'dcr-logs',
      publicKey: keys.publicKey,
      signingKey: keys.privateKey,
      notBefore,
      notAfter: new Date('2060-01-01T00:00:00Z'), // after 2049: GeneralizedTime
      keyUsage: KeyUsageFlags.digitalSignature,
      subjectAltNames: ['example.test', '10.1.2.3', 'fd00::1'],
    })
    const x = new X509Certificate(pem)
    expect(x.subject).toBe('CN=unit test\nO=dcr-logs')
    expect(x.issuer).toBe(x.subject)
    expect(x.verify(keys.publicKey)).toBe(true)
    expect(x.subjectAltName).toBe('DNS:example.test, IP Address:10.1.2.3, IP Address:FD00:0:0:0:0:0:0:1')
    expect(new Date(x.validFrom).toISOString()).toBe(notBefore.toISOString())
    expect(new Date(x.validTo).toISOString()).toBe('2060-01-01T00:00:00.000Z')
    expect(x.ca).toBe(false)
  })

  test('RSA signing keys give sha256WithRSAEncryption signatures', () => {
    const keys = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const x = new X509Certificate(
      buildCertificate({
        commonName: 'rsa',
        publicKey: keys.publicKey,
        signingKey: keys.privateKey,
        notBefore: new Date(),
        notAfter: new Date(Date.now() + DAY),
        keyUsage: KeyUsageFlags.digitalSignature,
      }),
    )
    expect(x.verify(keys.publicKey)).toBe(true)
    expect(x.publicKey.asymmetricKeyType).toBe('rsa')
  })

  test('thumbprints are the SHA-1 and SHA-256 of the DER, base64url (x5t, x5t#S256)', async () => {
    const { certificate } = await createClientCertificate('thumb')
    const x = new X509Certificate(certificate)
    const t = thumbprints(x)
    expect(Buffer.from(t.x5t, 'base64url').toString('hex').toUpperCase()).toBe(x.fingerprint.replaceAll(':', ''))
    expect(Buffer.from(t.x5tS256, 'base64url').toString('hex').toUpperCase()).toBe(x.fingerprint256.replaceAll(':', ''))
  })
})

describe('CA and server certificates', () => {
  test('the CA is a CA for 5 years, starting a day early', async () => {
    const now = Date.parse('2026-03-01T12:00:00Z')
    const ca = await createCertificateAuthority(now)
    const x = new X509Certificate(ca.certificate)
    expect(x.ca).toBe(true)
    expect(Date.parse(x.validFrom)).toBe(now - DAY)
    expect(Date.parse(x.validTo)).toBe(now + CA_LIFETIME_MS)
    expect(x.checkPrivateKey(ca.privateKey)).toBe(true)
  })

  test('server certificates cover the loopback names and the hosts asked for, chain to the CA, last 30 days', async () => {
    const ca = await createCertificateAuthority()
    const now = Date.now()
    const server = await issueServerCertificate(ca, now, ['emulator', '172.17.0.2'])
    const x = new X509Certificate(server.cert)
    expect(x.subjectAltName?.split(', ')).toEqual([
      'IP Address:127.0.0.1',
      'IP Address:0:0:0:0:0:0:0:1',
      'DNS:localhost',
      'DNS:emulator',
      'IP Address:172.17.0.2',
    ])
    expect(x.checkIssued(new X509Certificate(ca.certificate))).toBe(true)
    expect(x.verify(createPublicKey(ca.privateKey))).toBe(true)
    expect(server.notAfter.getTime()).toBe(Math.floor((now + SERVER_CERT_LIFETIME_MS) / 1000) * 1000)
  })

  test('a server certificate never outlives its CA', async () => {
    const ca = await createCertificateAuthority(Date.now() - CA_LIFETIME_MS + 3 * DAY)
    const server = await issueServerCertificate(ca)
    expect(server.notAfter.getTime()).toBe(Date.parse(new X509Certificate(ca.certificate).validTo))
  })

  test('client certificates are self-signed RSA with clientAuth, for 2 years', async () => {
    const now = Date.now()
    const client = await createClientCertificate('my-app', now)
    const x = new X509Certificate(client.certificate)
    expect(x.publicKey.asymmetricKeyType).toBe('rsa')
    expect(x.keyUsage).toContain('1.3.6.1.5.5.7.3.2')
    expect(x.verify(x.publicKey)).toBe(true)
    expect(needsRenewal(x, now, 700 * DAY)).toBe(false)
    expect(needsRenewal(x, now, 740 * DAY)).toBe(true)
  })
})

describe('CA directory', () => {
  test('a CA close to expiry is renewed at load, and ca.pem follows', async () => {
    const dir = await tempDir()
    const first = await loadOrCreateCertificateAuthority(dir)
    expect(first.renewed).toBe(false)
    const again = await loadOrCreateCertificateAuthority(dir, Date.now() + 100 * DAY)
    expect(again.certificate).toBe(first.certificate)
    const later = Date.now() + CA_LIFETIME_MS - CA_RENEW_BEFORE_MS + DAY
    const renewed = await loadOrCreateCertificateAuthority(dir, later)
    expect(renewed.renewed).toBe(true)
    expect(renewed.certificate).not.toBe(first.certificate)
    expect(needsRenewal(renewed.certificate, later, CA_RENEW_BEFORE_MS)).toBe(false)
    expect((await readFile(join(dir, CA_CERT_FILE), 'utf8')).trim()).toBe(renewed.certificate.trim())
    // the next load keeps the renewed CA
    expect((await loadOrCreateCertificateAuthority(dir, later)).certificate).toBe(renewed.certificate)
  })

  test('processes that find the same expired CA at once renew it once', async () => {
    const dir = await tempDir()
    await loadOrCreateCertificateAuthority(dir)
    const later = Date.now() + CA_LIFETIME_MS + DAY
    const loaded = await Promise.all(Array.from({ length: 4 }, () => loadOrCreateCertificateAuthority(dir, later)))
    expect(new Set(loaded.map((c) => c.certificate)).size).toBe(1)
  })

  test('a CA that is not valid yet (clock set back) is replaced too', async () => {
    const dir = await tempDir()
    const ca = await loadOrCreateCertificateAuthority(dir)
    const reloaded = await loadOrCreateCertificateAuthority(dir, Date.now() - 10 * DAY)
    expect(reloaded.renewed).toBe(true)
    expect(reloaded.certificate).not.toBe(ca.certificate)
  })
})
