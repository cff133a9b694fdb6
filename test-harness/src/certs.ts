/**
 * The emulator's TLS material, generated with Node's crypto and a small DER encoder (no openssl binary).
 * A CA (kept in a directory so one CA can serve a whole test run) signs a fresh server certificate per start.
 */
import {
  createHash,
  createPrivateKey,
  generateKeyPair,
  type KeyObject,
  randomBytes,
  sign,
  X509Certificate,
} from 'node:crypto'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import {
  bitString,
  boolean,
  context,
  integer,
  ipBytes,
  octetString,
  oid,
  sequence,
  set,
  time,
  utf8String,
} from './der.ts'
import { EmulatorError } from './errors.ts'

const generateKeyPairAsync = promisify(generateKeyPair)
const DAY_MS = 86_400_000

/** File names inside a CA directory. The key file also holds the certificate so a pair is always read together. */
export const CA_CERT_FILE = 'ca.pem'
export const CA_KEY_FILE = 'ca-key.pem'

/** A certificate authority able to sign server certificates. */
export interface CertificateAuthority {
  /** PEM of the CA certificate (what clients trust). */
  certificate: string
  /** Path of a PEM file holding only the CA certificate (for `NODE_EXTRA_CA_CERTS`), once written to disk. */
  certificateFile: string | undefined
  privateKey: KeyObject
}

/** A server certificate and its key, PEM, ready for `https.createServer`. */
export interface ServerCredentials {
  cert: string
  key: string
}

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  subjectAltName: '2.5.29.17',
  subjectKeyId: '2.5.29.14',
  authorityKeyId: '2.5.29.35',
}

const name = (cn: string, org: string): Buffer =>
  sequence(set(sequence(oid(OID.commonName), utf8String(cn))), set(sequence(oid(OID.organization), utf8String(org))))

const extension = (id: string, critical: boolean, value: Buffer): Buffer =>
  sequence(oid(id), ...(critical ? [boolean(true)] : []), octetString(value))

/** KeyUsage bits, numbered from the most significant bit of the first byte (RFC 5280 4.2.1.3). */
const keyUsage = (bits: number[]): Buffer => {
  const bytes = Buffer.alloc(2)
  for (const b of bits) bytes[b >> 3]! |= 0x80 >> (b & 7)
  const used = bytes[1] === 0 ? bytes.subarray(0, 1) : bytes
  const last = used[used.length - 1]!
  let unused = 0
  while (unused < 7 && (last & (1 << unused)) === 0) unused++
  return Buffer.concat([Buffer.from([0x03, used.length + 1, unused]), used])
}

const spki = (key: KeyObject): Buffer => key.export({ type: 'spki', format: 'der' })

/** Key identifier: SHA-1 of the public key bits, the usual method (RFC 5280 4.2.1.2). */
const keyId = (publicKey: KeyObject): Buffer => createHash('sha1').update(spki(publicKey)).digest()

const serial = (): Buffer => {
  const bytes = randomBytes(16)
  bytes[0] = (bytes[0] ?? 0) & 0x7f
  return bytes
}

interface CertificateSpec {
  subject: Buffer
  issuer: Buffer
  publicKey: KeyObject
  signingKey: KeyObject
  notBefore: Date
  notAfter: Date
  extensions: Buffer[]
}

const createCertificate = (spec: CertificateSpec): string => {
  const algorithm = sequence(oid(OID.ecdsaWithSha256))
  const tbs = sequence(
    context(0, integer(2)), // v3
    integer(serial()),
    algorithm,
    spec.issuer,
    sequence(time(spec.notBefore), time(spec.notAfter)),
    spec.subject,
    spki(spec.publicKey),
    context(3, sequence(...spec.extensions)),
  )
  const signature = sign('sha256', tbs, { key: spec.signingKey, dsaEncoding: 'der' })
  const der = sequence(tbs, algorithm, bitString(signature))
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n')
  return `-----BEGIN CERTIFICATE-----\n${b64.trimEnd()}\n-----END CERTIFICATE-----\n`
}

const ecKeys = (): Promise<{ publicKey: KeyObject; privateKey: KeyObject }> =>
  generateKeyPairAsync('ec', { namedCurve: 'P-256' })

/** Creates a new self-signed CA in memory. */
export const createCertificateAuthority = async (now = Date.now()): Promise<CertificateAuthority> => {
  const keys = await ecKeys()
  const subject = name(`dcr-logs emulator CA ${randomBytes(4).toString('hex')}`, 'dcr-logs test-harness')
  const certificate = createCertificate({
    subject,
    issuer: subject,
    publicKey: keys.publicKey,
    signingKey: keys.privateKey,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 365 * DAY_MS),
    extensions: [
      extension(OID.basicConstraints, true, sequence(boolean(true), integer(0))),
      extension(OID.keyUsage, true, keyUsage([5, 6])), // keyCertSign, cRLSign
      extension(OID.subjectKeyId, false, octetString(keyId(keys.publicKey))),
    ],
  })
  return { certificate, certificateFile: undefined, privateKey: keys.privateKey }
}

/** Issues a server certificate for 127.0.0.1, ::1 and localhost (plus `hosts`), signed by `ca`. */
export const issueServerCertificate = async (
  ca: CertificateAuthority,
  now = Date.now(),
  hosts: readonly string[] = [],
): Promise<ServerCredentials> => {
  const keys = await ecKeys()
  const caCert = new X509Certificate(ca.certificate)
  const caPublicKey = caCert.publicKey
  const names = new Set(['127.0.0.1', '::1', 'localhost', ...hosts])
  const altNames = [...names].map((n) =>
    /^[\d.]+$/.test(n) || n.includes(':') ? context(7, ipBytes(n), false) : context(2, Buffer.from(n, 'ascii'), false),
  )
  // The issuer name must be the CA's subject, byte for byte.
  const caDer = caCert.raw
  const issuer = extractSubject(caDer)
  const cert = createCertificate({
    subject: name('localhost', 'dcr-logs test-harness'),
    issuer,
    publicKey: keys.publicKey,
    signingKey: ca.privateKey,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 30 * DAY_MS),
    extensions: [
      extension(OID.basicConstraints, true, sequence()),
      extension(OID.keyUsage, true, keyUsage([0, 4])), // digitalSignature, keyAgreement
      extension(OID.extKeyUsage, false, sequence(oid(OID.serverAuth))),
      extension(OID.subjectAltName, false, sequence(...altNames)),
      extension(OID.subjectKeyId, false, octetString(keyId(keys.publicKey))),
      extension(OID.authorityKeyId, false, sequence(context(0, keyId(caPublicKey), false))),
    ],
  })
  return { cert, key: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string }
}

/** Reads one DER TLV at `offset`: returns where its content starts and ends. */
const readTlv = (der: Buffer, offset: number): { start: number; end: number; next: number } => {
  let len = der[offset + 1]!
  let start = offset + 2
  if (len & 0x80) {
    const n = len & 0x7f
    len = 0
    for (let i = 0; i < n; i++) len = len * 256 + der[start + i]!
    start += n
  }
  return { start, end: start + len, next: start + len }
}

/** The subject Name of a DER certificate (6th field of the TBSCertificate, after the [0] version). */
const extractSubject = (der: Buffer): Buffer => {
  const cert = readTlv(der, 0)
  const tbs = readTlv(der, cert.start)
  let at = tbs.start
  for (let field = 0; field < 5; field++) at = readTlv(der, at).next // version, serial, algorithm, issuer, validity
  const subject = readTlv(der, at)
  return der.subarray(at, subject.end)
}

const readIfExists = async (path: string): Promise<string | undefined> => {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

const parseKeyFile = (text: string, path: string): CertificateAuthority => {
  try {
    const keyPem = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----/.exec(text)?.[0]
    const certPem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(text)?.[0]
    if (keyPem === undefined || certPem === undefined) throw new Error('expected a PRIVATE KEY and a CERTIFICATE block')
    const privateKey = createPrivateKey(keyPem)
    const cert = new X509Certificate(certPem)
    if (!cert.checkPrivateKey(privateKey)) throw new Error('the key does not match the certificate')
    return { certificate: `${certPem}\n`, certificateFile: undefined, privateKey }
  } catch (cause) {
    throw new EmulatorError(
      'INVALID_CA',
      `The CA key file ${path} is unusable (${(cause as Error).message}). Delete the directory to let the emulator create a new CA.`,
      { cause },
    )
  }
}

const writeAtomically = async (path: string, text: string, mode: number): Promise<void> => {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  await writeFile(tmp, text, { mode })
  await rename(tmp, path)
}

/**
 * Loads the CA kept in `dir`, or creates one there. Safe when several processes start at once: the key file is
 * created exclusively, and whoever loses the race reads the winner's CA.
 */
export const loadOrCreateCertificateAuthority = async (dir: string): Promise<CertificateAuthority> => {
  await mkdir(dir, { recursive: true })
  const keyPath = join(dir, CA_KEY_FILE)
  const certPath = join(dir, CA_CERT_FILE)
  let ca: CertificateAuthority
  const existing = await readIfExists(keyPath)
  if (existing !== undefined) {
    ca = parseKeyFile(existing, keyPath)
  } else {
    const fresh = await createCertificateAuthority()
    const key = fresh.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
    try {
      await writeFile(keyPath, `${key}${fresh.certificate}`, { flag: 'wx', mode: 0o600 })
      ca = fresh
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      ca = parseKeyFile((await readIfExists(keyPath)) ?? '', keyPath)
    }
  }
  if ((await readIfExists(certPath))?.trim() !== ca.certificate.trim()) {
    await writeAtomically(certPath, ca.certificate, 0o644)
  }
  return { ...ca, certificateFile: certPath }
}
