/**
 * The emulated tenant's own secrets: tenant and app ids, the client secret, the app's certificate, the token signing
 * key, the managed identity and its App Service header. Fresh per start, or kept in a data directory so tokens,
 * certificates and files handed to clients stay valid across restarts.
 */
import { generateKeyPair as generateKeyPairCb, type KeyObject, randomBytes, randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { CLIENT_CERT_RENEW_BEFORE_MS, type ClientCertificate, createClientCertificate, needsRenewal } from './certs.ts'
import { EmulatorError } from './errors.ts'
import { readIfExists, writeAtomically } from './files.ts'
import { createSigningKey, exportSigningKey, importSigningKey, type SigningKey } from './jwt.ts'

const generateKeyPair = promisify(generateKeyPairCb)

export const TENANT_FILE = 'tenant.json'

export interface TenantSecrets {
  tenantId: string
  clientId: string
  clientSecret: string
  clientCertificate: ClientCertificate
  signingKey: SigningKey
  /** Client id of the system-assigned managed identity. */
  managedIdentityClientId: string
  /** The App Service `IDENTITY_HEADER` secret. */
  identityHeader: string
}

export interface TenantOverrides {
  tenantId?: string | undefined
  clientId?: string | undefined
  clientSecret?: string | undefined
}

/** The JSON kept in `tenant.json`. */
interface StoredTenant {
  version: 1
  tenantId: string
  clientId: string
  clientSecret: string
  clientCertificate: ClientCertificate
  signingKey: string
  managedIdentityClientId: string
  identityHeader: string
}

const newSecret = (): string => `emu~${randomBytes(24).toString('base64url')}`

/**
 * One RSA key pair for the app certificates of every emulator this process starts without a data dir: generating
 * one costs a few hundred milliseconds, and test suites start many emulators. Each emulator still gets its own
 * certificate (and thumbprint), so none accepts another's; token signing keys are never shared.
 */
let sharedClientKeys: Promise<{ publicKey: KeyObject; privateKey: KeyObject }> | undefined
const clientKeys = () => {
  sharedClientKeys ??= generateKeyPair('rsa', { modulusLength: 2048 })
  return sharedClientKeys
}

const parseStored = (text: string, path: string): Partial<StoredTenant> => {
  try {
    const v: unknown = JSON.parse(text)
    if (typeof v !== 'object' || v === null || (v as StoredTenant).version !== 1) throw new Error('unknown format')
    return v as StoredTenant
  } catch (cause) {
    throw new EmulatorError(
      'INVALID_OPTIONS',
      `The data directory file ${path} is unreadable (${(cause as Error).message}). Delete it to start with new credentials.`,
      { cause },
    )
  }
}

/** Fills every missing secret, keeping what `stored` has and letting `overrides` win. */
const complete = async (
  stored: Partial<StoredTenant>,
  overrides: TenantOverrides,
  now: number,
  shareKeys: boolean,
): Promise<StoredTenant> => {
  const clientId = overrides.clientId ?? stored.clientId ?? randomUUID()
  const keepCertificate =
    stored.clientCertificate !== undefined &&
    stored.clientId === clientId &&
    !needsRenewal(stored.clientCertificate.certificate, now, CLIENT_CERT_RENEW_BEFORE_MS)
  // Two RSA key generations: in parallel, on libuv's thread pool.
  const [clientCertificate, signingKey] = await Promise.all([
    keepCertificate
      ? stored.clientCertificate!
      : (shareKeys ? clientKeys() : Promise.resolve(undefined)).then((keys) =>
          createClientCertificate(`dcr-logs emulator app ${clientId}`, now, keys),
        ),
    stored.signingKey ?? createSigningKey().then(exportSigningKey),
  ])
  return {
    version: 1,
    tenantId: overrides.tenantId ?? stored.tenantId ?? randomUUID(),
    clientId,
    clientSecret: overrides.clientSecret ?? stored.clientSecret ?? newSecret(),
    clientCertificate,
    signingKey,
    managedIdentityClientId: stored.managedIdentityClientId ?? randomUUID(),
    identityHeader: stored.identityHeader ?? randomBytes(24).toString('base64url'),
  }
}

const toSecrets = (t: StoredTenant): TenantSecrets => {
  const { version: _v, signingKey, ...rest } = t
  return { ...rest, signingKey: importSigningKey(signingKey) }
}

/** New secrets for one run (no data directory). */
export const createTenant = async (overrides: TenantOverrides, now = Date.now()): Promise<TenantSecrets> =>
  toSecrets(await complete({}, overrides, now, true))

/** Loads the secrets kept in `dir`, completes and updates them; creates them on the first start. */
export const loadOrCreateTenant = async (
  dir: string,
  overrides: TenantOverrides,
  now = Date.now(),
): Promise<TenantSecrets> => {
  const path = join(dir, TENANT_FILE)
  const text = await readIfExists(path)
  const stored = text === undefined ? {} : parseStored(text, path)
  const tenant = await complete(stored, overrides, now, false)
  const serialised = `${JSON.stringify(tenant, null, 2)}\n`
  if (serialised !== text) await writeAtomically(path, serialised, 0o600)
  return toSecrets(tenant)
}
