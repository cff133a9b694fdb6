/**
 * Verifies a `client_assertion` the way Entra does, for the two kinds `@azure/identity` sends:
 * - certificate credentials: a JWT the app signs with its certificate's key (`iss` = `sub` = client id,
 *   `aud` = the token endpoint), naming the certificate by thumbprint (`x5t#S256`, or the older `x5t`);
 * - federated credentials (workload identity): a JWT from a trusted issuer (`iss`, `sub`, `aud` matching a
 *   federated identity credential on the app), such as a Kubernetes service account token.
 * Pure: returns the AADSTS failure Entra would answer, or the kind that passed.
 */
import type { KeyObject } from 'node:crypto'
import { type EntraFailure, entraFailure } from './entra-errors.ts'
import { ACCEPTED_ALGORITHMS, type DecodedJwt, decodeJwt, type SigningKey, verifySignature } from './jwt.ts'
import type { RegisteredClient } from './registrations.ts'

export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'

/** Clock skew Entra tolerates on `nbf` and `exp`. */
const SKEW_SECONDS = 300

export interface AssertionContext {
  client: RegisteredClient
  /** Audiences a certificate assertion may carry: the token endpoints (v1, v2) and the issuer of this tenant. */
  tokenAudiences: readonly string[]
  /** The emulator's key, for federated tokens it issued itself. */
  emulatorKey: SigningKey
  nowSeconds: number
}

export type AssertionResult = { ok: true; kind: 'certificate' | 'federated' } | { ok: false; failure: EntraFailure }

const fail = (code: number, description: string): AssertionResult => ({
  ok: false,
  failure: entraFailure(401, 'invalid_client', code, description),
})

const audiencesOf = (claims: Record<string, unknown>): string[] => {
  const aud = claims['aud']
  return typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter((a) => typeof a === 'string') : []
}

const sameUrl = (a: string, b: string): boolean =>
  a.replace(/\/+$/, '').toLowerCase() === b.replace(/\/+$/, '').toLowerCase()

const iso = (seconds: unknown): string =>
  typeof seconds === 'number' ? new Date(seconds * 1000).toISOString() : 'not given'

/** AADSTS700024 when the token is outside its validity window (with Entra's five minutes of skew). */
const checkTimes = (jwt: DecodedJwt, nowSeconds: number): AssertionResult | undefined => {
  const { exp, nbf } = jwt.claims
  const expired = typeof exp !== 'number' || exp + SKEW_SECONDS < nowSeconds
  const early = typeof nbf === 'number' && nbf - SKEW_SECONDS > nowSeconds
  if (!expired && !early) return undefined
  return fail(
    700024,
    `Client assertion is not within its valid time range. Current time: ${iso(nowSeconds)}, assertion valid from ${iso(nbf)}, expiry time of assertion ${iso(exp)}.`,
  )
}

const verifyCertificateAssertion = (jwt: DecodedJwt, ctx: AssertionContext): AssertionResult => {
  const { client } = ctx
  const x5tS256 = jwt.header['x5t#S256']
  const x5t = jwt.header['x5t']
  const registered = client.certificates.find((c) =>
    typeof x5tS256 === 'string' ? c.x5tS256 === x5tS256 : typeof x5t === 'string' && c.x5t === x5t,
  )
  const thumbprint = String(x5tS256 ?? x5t ?? 'none')
  if (registered === undefined) {
    return fail(
      700027,
      `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${thumbprint}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${client.clientId}'.]`,
    )
  }
  if (!verifySignature(jwt, registered.certificate.publicKey)) {
    return fail(700027, 'Client assertion failed signature validation.')
  }
  if (Date.parse(registered.certificate.validTo) < ctx.nowSeconds * 1000) {
    return fail(
      700027,
      `Client assertion contains an invalid signature. [Reason - The key used is expired., Thumbprint of key used by client: '${thumbprint}']`,
    )
  }
  if (jwt.claims['iss'] !== client.clientId || jwt.claims['sub'] !== client.clientId) {
    return fail(700021, "Client assertion application identifier doesn't match 'client_id' parameter.")
  }
  const audiences = audiencesOf(jwt.claims)
  if (!audiences.some((a) => ctx.tokenAudiences.some((t) => sameUrl(a, t)))) {
    return fail(
      50012,
      `Client assertion audience claim does not match Realm issuer. Audience: '${audiences.join(', ')}'.`,
    )
  }
  return checkTimes(jwt, ctx.nowSeconds) ?? { ok: true, kind: 'certificate' }
}

const verifyFederatedAssertion = (jwt: DecodedJwt, ctx: AssertionContext): AssertionResult => {
  const { iss, sub } = jwt.claims
  const byIssuer = ctx.client.federated.filter((f) => f.issuer === iss)
  if (byIssuer.length === 0) {
    return fail(700211, `No matching federated identity record found for presented assertion issuer '${String(iss)}'.`)
  }
  const bySubject = byIssuer.filter((f) => f.subject === sub)
  if (bySubject.length === 0) {
    return fail(
      700213,
      `No matching federated identity record found for presented assertion subject '${String(sub)}'. Check your federated identity credential Subject, Audience and Issuer against the presented assertion.`,
    )
  }
  const audiences = audiencesOf(jwt.claims)
  const credential = bySubject.find((f) => f.audiences.some((a) => audiences.includes(a)))
  if (credential === undefined) {
    return fail(
      700212,
      `No matching federated identity record found for presented assertion audience '${audiences.join(', ')}'.`,
    )
  }
  const keys: readonly KeyObject[] =
    credential.keys ?? (jwt.header['kid'] === ctx.emulatorKey.kid ? [ctx.emulatorKey.publicKey] : [])
  if (!keys.some((k) => verifySignature(jwt, k))) {
    return fail(
      50013,
      `Assertion failed signature validation. [Reason - No key of issuer '${String(iss)}' verifies the signature (kid '${String(jwt.header['kid'] ?? 'none')}').]`,
    )
  }
  return checkTimes(jwt, ctx.nowSeconds) ?? { ok: true, kind: 'federated' }
}

/** Verifies `assertion` for the client in `ctx`. */
export const verifyClientAssertion = (assertion: string, ctx: AssertionContext): AssertionResult => {
  const jwt = decodeJwt(assertion)
  if (jwt === undefined) return fail(50027, 'JWT token is invalid or malformed.')
  if (!ACCEPTED_ALGORITHMS.includes(String(jwt.header['alg']))) {
    return fail(5002738, `Invalid JWT token. '${String(jwt.header['alg'])}' is not a supported signature algorithm.`)
  }
  const namesCertificate = typeof jwt.header['x5t#S256'] === 'string' || typeof jwt.header['x5t'] === 'string'
  return namesCertificate || jwt.claims['iss'] === ctx.client.clientId
    ? verifyCertificateAssertion(jwt, ctx)
    : verifyFederatedAssertion(jwt, ctx)
}
