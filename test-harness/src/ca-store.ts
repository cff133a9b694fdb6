/**
 * A CA kept in a directory, so one CA serves a whole test run, a CI job or a `--data-dir` across restarts.
 * Safe when several processes start at once (the key file is created exclusively; renewal takes a lock file), and
 * checked for expiry at every load: a CA that is expired or within `CA_RENEW_BEFORE_MS` of it is replaced.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto'
import { mkdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { CA_RENEW_BEFORE_MS, type CertificateAuthority, createCertificateAuthority, needsRenewal } from './certs.ts'
import { EmulatorError } from './errors.ts'
import { readIfExists, writeAtomically, writeExclusive } from './files.ts'

/** File names inside a CA directory. The key file also holds the certificate so a pair is always read together. */
export const CA_CERT_FILE = 'ca.pem'
export const CA_KEY_FILE = 'ca-key.pem'
const RENEW_LOCK_FILE = 'ca-renew.lock'
/** A renewal lock older than this was left by a process that died while renewing. */
const STALE_LOCK_MS = 30_000
const RENEW_WAIT_MS = 15_000

export interface StoredCertificateAuthority extends CertificateAuthority {
  certificateFile: string
  /** True when this load replaced an expiring CA: clients must trust the new `ca.pem` (restart them). */
  renewed: boolean
}

const parseKeyFile = (text: string, path: string): CertificateAuthority => {
  try {
    const keyPem = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----/.exec(text)?.[0]
    const certPem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(text)?.[0]
    if (keyPem === undefined || certPem === undefined) throw new Error('expected a PRIVATE KEY and a CERTIFICATE block')
    const privateKey = createPrivateKey(keyPem)
    if (!new X509Certificate(certPem).checkPrivateKey(privateKey))
      throw new Error('the key does not match the certificate')
    return { certificate: `${certPem}\n`, certificateFile: undefined, privateKey }
  } catch (cause) {
    throw new EmulatorError(
      'INVALID_CA',
      `The CA key file ${path} is unusable (${(cause as Error).message}). Delete the directory to let the emulator create a new CA.`,
      { cause },
    )
  }
}

const keyFileText = (ca: CertificateAuthority): string =>
  `${ca.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string}${ca.certificate}`

const isFresh = (ca: CertificateAuthority, now: number): boolean =>
  !needsRenewal(ca.certificate, now, CA_RENEW_BEFORE_MS)

/** Replaces an expiring CA, once across processes: the first to take the lock renews, the others read its CA. */
const renew = async (keyPath: string, lockPath: string, now: number): Promise<CertificateAuthority> => {
  const deadline = Date.now() + RENEW_WAIT_MS
  for (;;) {
    if (await writeExclusive(lockPath, String(process.pid), 0o600)) {
      try {
        const current = parseKeyFile((await readIfExists(keyPath)) ?? '', keyPath)
        if (isFresh(current, now)) return current
        const fresh = await createCertificateAuthority(now)
        await writeAtomically(keyPath, keyFileText(fresh), 0o600)
        return fresh
      } finally {
        await rm(lockPath, { force: true })
      }
    }
    const current = parseKeyFile((await readIfExists(keyPath)) ?? '', keyPath)
    if (isFresh(current, now)) return current
    const lock = await stat(lockPath).catch(() => undefined)
    if (lock !== undefined && Date.now() - lock.mtimeMs > STALE_LOCK_MS) await rm(lockPath, { force: true })
    if (Date.now() > deadline) {
      throw new EmulatorError(
        'INVALID_CA',
        `The CA in ${keyPath} is expiring and another process holds ${lockPath} to renew it. Remove that file if no emulator is starting.`,
      )
    }
    await sleep(50)
  }
}

/** Loads the CA kept in `dir` (renewing it when it is about to expire), or creates one there. */
export const loadOrCreateCertificateAuthority = async (
  dir: string,
  now = Date.now(),
): Promise<StoredCertificateAuthority> => {
  await mkdir(dir, { recursive: true })
  const keyPath = join(dir, CA_KEY_FILE)
  const certPath = join(dir, CA_CERT_FILE)
  let ca: CertificateAuthority
  const existing = await readIfExists(keyPath)
  if (existing !== undefined) ca = parseKeyFile(existing, keyPath)
  else {
    const fresh = await createCertificateAuthority(now)
    ca = (await writeExclusive(keyPath, keyFileText(fresh), 0o600))
      ? fresh
      : parseKeyFile((await readIfExists(keyPath)) ?? '', keyPath)
  }
  let renewed = false
  if (!isFresh(ca, now)) {
    ca = await renew(keyPath, join(dir, RENEW_LOCK_FILE), now)
    renewed = true
  }
  if ((await readIfExists(certPath))?.trim() !== ca.certificate.trim()) {
    await writeAtomically(certPath, ca.certificate, 0o644)
  }
  return { ...ca, certificateFile: certPath, renewed }
}
