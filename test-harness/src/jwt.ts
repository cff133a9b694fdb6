/** JSON Web Tokens as Entra issues and accepts them, with Node's crypto only. Pure apart from key generation. */
import {
  constants,
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto'
import { promisify } from 'node:util'

const generateKeyPairAsync = promisify(generateKeyPair)

/** The claims the emulator puts in (and checks on) an access token. */
export interface AccessTokenClaims {
  aud: string
  iss: string
  iat: number
  nbf: number
  exp: number
  tid: string
  appid: string
  oid: string
  sub: string
  idtyp: 'app'
  ver: '1.0'
  uti: string
  [claim: string]: unknown
}

/** A signing key with its JWKS representation. */
export interface SigningKey {
  kid: string
  privateKey: KeyObject
  publicKey: KeyObject
  jwk: Record<string, unknown>
}

const fromPrivateKey = (privateKey: KeyObject): SigningKey => {
  const publicKey = createPublicKey(privateKey)
  const jwk = publicKey.export({ format: 'jwk' }) as Record<string, unknown>
  // Entra's kid is a base64url thumbprint-like value; the JWK thumbprint of the key does the same job.
  const kid = createHash('sha256')
    .update(JSON.stringify({ e: jwk['e'], kty: jwk['kty'], n: jwk['n'] }))
    .digest('base64url')
    .slice(0, 27)
  return { kid, privateKey, publicKey, jwk: { ...jwk, kid, use: 'sig', alg: 'RS256' } }
}

export const createSigningKey = async (): Promise<SigningKey> => {
  const { privateKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048 })
  return fromPrivateKey(privateKey)
}

/** The key as PKCS#8 PEM, to keep it in a data directory. */
export const exportSigningKey = (key: SigningKey): string =>
  key.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string

/** A signing key read back from `exportSigningKey`'s PEM (same kid, so tokens signed before stay valid). */
export const importSigningKey = (pem: string): SigningKey => fromPrivateKey(createPrivateKey(pem))

const b64json = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')

export const signJwt = (
  claims: Record<string, unknown>,
  key: SigningKey,
  header: Record<string, unknown> = { x5t: key.kid },
): string => {
  const head = `${b64json({ typ: 'JWT', alg: 'RS256', kid: key.kid, ...header })}.${b64json(claims)}`
  return `${head}.${sign('RSA-SHA256', Buffer.from(head), key.privateKey).toString('base64url')}`
}

/** A compact JWS split into its parts, not yet verified. */
export interface DecodedJwt {
  header: Record<string, unknown>
  claims: Record<string, unknown>
  signingInput: string
  signature: Buffer
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Splits and decodes a compact JWS; undefined when it is not one. */
export const decodeJwt = (token: string): DecodedJwt | undefined => {
  const parts = token.split('.')
  if (parts.length !== 3) return undefined
  const [h, p, s] = parts as [string, string, string]
  try {
    const header: unknown = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'))
    const claims: unknown = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'))
    if (!isObject(header) || !isObject(claims)) return undefined
    return { header, claims, signingInput: `${h}.${p}`, signature: Buffer.from(s, 'base64url') }
  } catch {
    return undefined
  }
}

/** Algorithms accepted on incoming assertions: what MSAL (RS256, PS256) and Kubernetes (RS256, ES256) sign with. */
export const ACCEPTED_ALGORITHMS: readonly string[] = ['RS256', 'PS256', 'ES256']

/** Checks a decoded token's signature with `publicKey` under the algorithm its header names. */
export const verifySignature = (jwt: DecodedJwt, publicKey: KeyObject): boolean => {
  const data = Buffer.from(jwt.signingInput)
  try {
    switch (jwt.header['alg']) {
      case 'RS256':
        return publicKey.asymmetricKeyType === 'rsa' && verify('RSA-SHA256', data, publicKey, jwt.signature)
      case 'PS256':
        return (
          publicKey.asymmetricKeyType === 'rsa' &&
          verify(
            'sha256',
            data,
            { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST },
            jwt.signature,
          )
        )
      case 'ES256':
        return (
          publicKey.asymmetricKeyType === 'ec' &&
          verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, jwt.signature)
        )
      default:
        return false
    }
  } catch {
    return false
  }
}

/** Why a token was refused. `malformed` and `signature` are structural; the rest are claim checks done by the caller. */
export type JwtFailure = 'malformed' | 'signature'

/** Decodes and verifies a token the emulator signed. Claims are returned unchecked. */
export const verifyJwt = (
  token: string,
  key: SigningKey,
): { ok: true; claims: Record<string, unknown> } | { ok: false; reason: JwtFailure } => {
  const jwt = decodeJwt(token)
  if (jwt === undefined) return { ok: false, reason: 'malformed' }
  if (jwt.header['alg'] !== 'RS256' || jwt.header['kid'] !== key.kid) return { ok: false, reason: 'signature' }
  return verifySignature(jwt, key.publicKey) ? { ok: true, claims: jwt.claims } : { ok: false, reason: 'signature' }
}
