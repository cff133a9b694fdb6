/**
 * The emulator's certificates: a CA, the server certificates it signs, and client certificates for app registrations.
 * Keys come from Node's crypto, certificates from `x509.ts`. No I/O here (see `ca-store.ts` for the CA directory).
 *
 * Lifetimes, and why:
 * - CA: 5 years. It is the file users trust (`NODE_EXTRA_CA_CERTS`, a CI trust store), so it should rarely change;
 *   its key never leaves the machine. Renewed when less than 30 days remain (`CA_RENEW_BEFORE_MS`).
 * - Server certificate: 30 days. Issued at every start and re-issued in place before it runs out
 *   (`SERVER_RENEW_BEFORE_MS`), so a long-running emulator never serves an expired one; short enough to be under
 *   every client's limit (Apple's 825 days, browsers' 398 days) and to make a copied key worth little.
 * - Client certificate of the app registration: 2 years, like a typical Entra certificate credential; renewed when
 *   less than 30 days remain.
 * Every certificate starts a day in the past, so clocks that lag a little (containers, VMs) accept it.
 */
import { generateKeyPair as generateKeyPairCb, type KeyObject, X509Certificate } from 'node:crypto'
import { promisify } from 'node:util'
import { buildCertificate, EXTENDED_KEY_USAGE, KeyUsageFlags } from './x509.ts'

const generateKeyPair = promisify(generateKeyPairCb)
const DAY_MS = 86_400_000

export const CA_LIFETIME_MS = 5 * 365 * DAY_MS
export const CA_RENEW_BEFORE_MS = 30 * DAY_MS
export const SERVER_CERT_LIFETIME_MS = 30 * DAY_MS
export const SERVER_RENEW_BEFORE_MS = 7 * DAY_MS
export const CLIENT_CERT_LIFETIME_MS = 2 * 365 * DAY_MS
export const CLIENT_CERT_RENEW_BEFORE_MS = 30 * DAY_MS
/** How far in the past certificates start. */
const BACKDATE_MS = DAY_MS

const ORGANIZATION = 'dcr-logs test-harness'

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
  /** When the certificate stops being valid. */
  notAfter: Date
}

/** A certificate with its private key, as `ClientCertificateCredential` reads it. */
export interface ClientCertificate {
  /** PEM of the certificate alone (what gets registered on the app). */
  certificate: string
  /** PEM of the private key (PKCS#8). */
  privateKey: string
}

const ecKeys = () => generateKeyPair('ec', { namedCurve: 'P-256' })

/** Whether a certificate is expired, not yet valid, or ends within `renewBeforeMs` of `now`. */
export const needsRenewal = (certificate: string | X509Certificate, now: number, renewBeforeMs: number): boolean => {
  const x = typeof certificate === 'string' ? new X509Certificate(certificate) : certificate
  return Date.parse(x.validFrom) > now || Date.parse(x.validTo) - renewBeforeMs <= now
}

/** Creates a new self-signed CA in memory. */
export const createCertificateAuthority = async (now = Date.now()): Promise<CertificateAuthority> => {
  const keys = await ecKeys()
  const suffix = keys.publicKey.export({ format: 'jwk' }).x?.slice(0, 8) ?? ''
  const certificate = buildCertificate({
    commonName: `dcr-logs emulator CA ${suffix}`,
    organization: ORGANIZATION,
    publicKey: keys.publicKey,
    signingKey: keys.privateKey,
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(now + CA_LIFETIME_MS),
    ca: true,
    keyUsage: KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign,
  })
  return { certificate, certificateFile: undefined, privateKey: keys.privateKey }
}

/** The names every server certificate covers, besides the ones asked for. */
export const LOOPBACK_NAMES: readonly string[] = ['127.0.0.1', '::1', 'localhost']

/** Issues a server certificate for the loopback names plus `hosts`, signed by `ca`; never outlives the CA. */
export const issueServerCertificate = async (
  ca: CertificateAuthority,
  now = Date.now(),
  hosts: readonly string[] = [],
): Promise<ServerCredentials> => {
  const keys = await ecKeys()
  const issuer = new X509Certificate(ca.certificate)
  // Certificates hold whole seconds: round down so `notAfter` is what the certificate says.
  const notAfter = new Date(
    Math.floor(Math.min(now + SERVER_CERT_LIFETIME_MS, Date.parse(issuer.validTo)) / 1000) * 1000,
  )
  const cert = buildCertificate({
    commonName: 'localhost',
    organization: ORGANIZATION,
    publicKey: keys.publicKey,
    signingKey: ca.privateKey,
    issuer,
    notBefore: new Date(now - BACKDATE_MS),
    notAfter,
    keyUsage: KeyUsageFlags.digitalSignature | KeyUsageFlags.keyAgreement,
    extendedKeyUsage: [EXTENDED_KEY_USAGE.serverAuth],
    subjectAltNames: [...new Set([...LOOPBACK_NAMES, ...hosts])],
  })
  return { cert, key: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, notAfter }
}

type KeyPair = { publicKey: KeyObject; privateKey: KeyObject }

/**
 * Creates a self-signed RSA client certificate, as `New-SelfSignedCertificate` or `az ad sp create-for-rbac
 * --create-cert` would: Entra accepts self-signed certificates and signs-in with RSA keys only. Pass `keys` to
 * certify an existing key pair (RSA key generation takes a few hundred milliseconds).
 */
export const createClientCertificate = async (
  commonName: string,
  now = Date.now(),
  keyPair?: KeyPair,
): Promise<ClientCertificate> => {
  const keys = keyPair ?? (await generateKeyPair('rsa', { modulusLength: 2048 }))
  const certificate = buildCertificate({
    commonName,
    organization: ORGANIZATION,
    publicKey: keys.publicKey,
    signingKey: keys.privateKey,
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(now + CLIENT_CERT_LIFETIME_MS),
    keyUsage: KeyUsageFlags.digitalSignature | KeyUsageFlags.keyEncipherment,
    extendedKeyUsage: [EXTENDED_KEY_USAGE.clientAuth],
  })
  return { certificate, privateKey: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string }
}
