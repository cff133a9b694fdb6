/**
 * App registrations and managed identities of the emulated tenant: what may get tokens, with which credentials.
 * Validates the user's registrations once, at start, into a form the token endpoint can check quickly. Pure.
 */
import { createPublicKey, type JsonWebKey, type KeyObject, X509Certificate } from 'node:crypto'
import { EmulatorError } from './errors.ts'
import { thumbprints } from './x509.ts'

/** A federated identity credential on an app (workload identity): which external tokens it accepts. */
export interface FederatedCredential {
  /** The token's `iss`, exactly. */
  issuer: string
  /** The token's `sub`, exactly (Kubernetes: `system:serviceaccount:{namespace}:{name}`). */
  subject: string
  /** Accepted `aud` values. @defaultValue `['api://AzureADTokenExchange']` */
  audiences?: string[]
  /** The issuer's public keys (JWK objects or PEM). Leave out for the emulator's own issuer (`federation.issuer`). */
  keys?: (string | JsonWebKey)[]
}

/** A registered application (service principal) that may request tokens. */
export interface ClientRegistration {
  clientId: string
  /** A client secret; leave out for an app that signs in with certificates or federated tokens only. */
  clientSecret?: string
  /** PEM certificates whose keys may sign client assertions (certificate credentials). */
  certificates?: string[]
  /** Federated identity credentials (workload identity). */
  federatedCredentials?: FederatedCredential[]
}

/** A user-assigned managed identity, selectable by client id, object id or resource id. */
export interface ManagedIdentityRegistration {
  clientId: string
  objectId?: string
  resourceId?: string
}

/** The audience of federated tokens: what Entra expects from Kubernetes and GitHub tokens. */
export const TOKEN_EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange'

export interface RegisteredCertificate {
  certificate: X509Certificate
  x5t: string
  x5tS256: string
}

export interface RegisteredFederatedCredential {
  issuer: string
  subject: string
  audiences: readonly string[]
  /** Verification keys; `undefined` means the emulator's own signing key. */
  keys: readonly KeyObject[] | undefined
}

export interface RegisteredClient {
  clientId: string
  secret: string | undefined
  certificates: readonly RegisteredCertificate[]
  federated: readonly RegisteredFederatedCredential[]
}

const toKey = (key: string | JsonWebKey, where: string): KeyObject => {
  try {
    if (typeof key !== 'string') return createPublicKey({ key, format: 'jwk' })
    return key.includes('CERTIFICATE') ? new X509Certificate(key).publicKey : createPublicKey(key)
  } catch (cause) {
    throw new EmulatorError('INVALID_OPTIONS', `${where}: not a public key (${(cause as Error).message}).`, { cause })
  }
}

/** Checks one registration and prepares its certificates and federated credentials. */
export const registerClient = (
  client: ClientRegistration,
  where: string,
  ownFederationIssuer: string,
): RegisteredClient => {
  if (typeof client.clientId !== 'string' || client.clientId === '') {
    throw new EmulatorError('INVALID_OPTIONS', `${where}.clientId must be a non-empty string.`)
  }
  const certificates = (client.certificates ?? []).map((pem, i) => {
    let certificate: X509Certificate
    try {
      certificate = new X509Certificate(pem)
    } catch (cause) {
      throw new EmulatorError(
        'INVALID_OPTIONS',
        `${where}.certificates[${i}] is not a PEM certificate (${(cause as Error).message}). Register the certificate only, not its key.`,
        { cause },
      )
    }
    return { certificate, ...thumbprints(certificate) }
  })
  const federated = (client.federatedCredentials ?? []).map((f, i) => {
    const at = `${where}.federatedCredentials[${i}]`
    if (typeof f.issuer !== 'string' || f.issuer === '' || typeof f.subject !== 'string' || f.subject === '') {
      throw new EmulatorError('INVALID_OPTIONS', `${at} needs a non-empty issuer and subject.`)
    }
    const own = f.issuer === ownFederationIssuer
    if (!own && (f.keys === undefined || f.keys.length === 0)) {
      throw new EmulatorError(
        'INVALID_OPTIONS',
        `${at}: give the public keys of '${f.issuer}' in keys (JWKs or PEM), or use the emulator's own issuer '${ownFederationIssuer}'.`,
      )
    }
    return {
      issuer: f.issuer,
      subject: f.subject,
      audiences: f.audiences ?? [TOKEN_EXCHANGE_AUDIENCE],
      keys: own ? undefined : f.keys!.map((k, j) => toKey(k, `${at}.keys[${j}]`)),
    }
  })
  if (client.clientSecret === undefined && certificates.length === 0 && federated.length === 0) {
    throw new EmulatorError(
      'INVALID_OPTIONS',
      `${where} ('${client.clientId}') has no credential: give a clientSecret, certificates or federatedCredentials.`,
    )
  }
  return { clientId: client.clientId, secret: client.clientSecret, certificates, federated }
}
