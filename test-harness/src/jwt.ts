/** RS256 JSON Web Tokens, as Entra issues them, with Node's crypto only. */
import { createHash, generateKeyPair, type KeyObject, sign, verify } from 'node:crypto'
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

export const createSigningKey = async (): Promise<SigningKey> => {
  const { privateKey, publicKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048 })
  const jwk = publicKey.export({ format: 'jwk' }) as Record<string, unknown>
  // Entra's kid is a base64url thumbprint-like value; the JWK thumbprint of the key does the same job.
  const kid = createHash('sha256')
    .update(JSON.stringify({ e: jwk['e'], kty: jwk['kty'], n: jwk['n'] }))
    .digest('base64url')
    .slice(0, 27)
  return { kid, privateKey, publicKey, jwk: { ...jwk, kid, use: 'sig', alg: 'RS256' } }
}

const b64json = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')

export const signJwt = (claims: Record<string, unknown>, key: SigningKey): string => {
  const head = `${b64json({ typ: 'JWT', alg: 'RS256', kid: key.kid, x5t: key.kid })}.${b64json(claims)}`
  return `${head}.${sign('RSA-SHA256', Buffer.from(head), key.privateKey).toString('base64url')}`
}

/** Why a token was refused. `malformed` and `signature` are structural; the rest are claim checks done by the caller. */
export type JwtFailure = 'malformed' | 'signature'

/** Decodes and verifies the signature of a compact JWS. Claims are returned unchecked. */
export const verifyJwt = (
  token: string,
  key: SigningKey,
): { ok: true; claims: Record<string, unknown> } | { ok: false; reason: JwtFailure } => {
  const parts = token.split('.')
  if (parts.length !== 3) return { ok: false, reason: 'malformed' }
  const [h, p, s] = parts as [string, string, string]
  let header: unknown
  let claims: unknown
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'))
    claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'))
  } catch {
    return { ok: false, reason: 'malformed' }
  }
  if (typeof header !== 'object' || header === null || typeof claims !== 'object' || claims === null) {
    return { ok: false, reason: 'malformed' }
  }
  const { alg, kid } = header as { alg?: unknown; kid?: unknown }
  if (alg !== 'RS256' || kid !== key.kid) return { ok: false, reason: 'signature' }
  const good = verify('RSA-SHA256', Buffer.from(`${h}.${p}`), key.publicKey, Buffer.from(s, 'base64url'))
  return good ? { ok: true, claims: claims as Record<string, unknown> } : { ok: false, reason: 'signature' }
}
