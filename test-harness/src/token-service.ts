/**
 * The Entra (Azure AD) side: OpenID metadata, JWKS, and the v2 (`scope=`) and v1 (`resource=`) token endpoints for
 * the client-credentials flow with a client secret, a certificate assertion or a federated token; enough for
 * `@azure/identity`'s `ClientSecretCredential`, `ClientCertificateCredential`, `WorkloadIdentityCredential` and
 * `ClientAssertionCredential` (MSAL) with `disableInstanceDiscovery: true`. Also checks bearer tokens for the
 * data plane.
 */
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { verifyClientAssertion } from './client-assertion.ts'
import { type EntraFailure, entraFailure, sendEntraError } from './entra-errors.ts'
import { readBody, sendJson } from './http.ts'
import { type AccessTokenClaims, type SigningKey, signJwt, verifyJwt } from './jwt.ts'
import { openIdConfiguration } from './openid.ts'
import { type RegisteredClient, TOKEN_EXCHANGE_AUDIENCE } from './registrations.ts'
import { isEntraFailure, parseTokenRequest, type TokenEndpointVersion } from './token-request.ts'

export type { ClientRegistration } from './registrations.ts'

export interface TokenServiceConfig {
  tenantId: string
  clients: readonly RegisteredClient[]
  /** Resources (audiences) the tenant knows; a scope for anything else fails with AADSTS500011. */
  knownResources: readonly string[]
  tokenLifetimeSeconds: number
  key: SigningKey
  now: () => number
  /** `iss` of the federated tokens the emulator issues (`createFederatedToken()`). */
  federationIssuer: string
  /** Every origin the emulator answers on (loopback, public host), for the audience of certificate assertions. */
  origins: () => readonly string[]
}

/** Outcome of checking a bearer token on an ingestion request. */
export type TokenCheck =
  | { ok: true; claims: AccessTokenClaims }
  | { ok: false; status: 401 | 403; code: string; message: string }

export interface MintOptions {
  clientId?: string
  audience?: string
  lifetimeSeconds?: number
  tenantId?: string
  /** Extra claims (managed identities add `xms_mirid`). */
  claims?: Record<string, unknown>
  /** How the client authenticated: 0 public, 1 secret, 2 certificate or assertion. @defaultValue '1' */
  appidacr?: '0' | '1' | '2'
}

/** Audiences that always have a service principal in the emulated tenant, besides the configured ones. */
export const WELL_KNOWN_RESOURCES: readonly string[] = [
  'https://monitor.azure.com',
  'https://monitor.azure.us',
  'https://monitor.azure.cn',
  'https://management.azure.com',
  'https://storage.azure.com',
  'https://vault.azure.net',
  'https://graph.microsoft.com',
  'https://api.loganalytics.io',
]

const trimSlash = (s: string): string => s.replace(/\/+$/, '')

/** A stable object id for a client id, so `oid` does not change between tokens. */
export const objectIdFor = (clientId: string): string => {
  const h = createHash('sha256').update(`sp:${clientId}`).digest('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`
}

const safeEqual = (a: string, b: string): boolean => {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

const deny = (status: 401 | 403, code: string, message: string): TokenCheck => ({ ok: false, status, code, message })

export class TokenService {
  private readonly _config: TokenServiceConfig
  private readonly _revoked = new Set<string>()

  constructor(config: TokenServiceConfig) {
    this._config = config
  }

  get tenantId(): string {
    return this._config.tenantId
  }

  /** Whether this service owns the path (`/{tenant}/…`, `/common/…`, `/organizations/…`). */
  handles(pathname: string): boolean {
    return /^\/[^/]+\/(v2\.0\/\.well-known\/|\.well-known\/|oauth2\/|discovery\/)/.test(pathname)
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL, origin: string): Promise<void> {
    const segments = url.pathname.split('/').filter(Boolean)
    const tenant = decodeURIComponent(segments[0] ?? '')
    const rest = segments.slice(1).join('/')
    const knownTenant = tenant.toLowerCase() === this._config.tenantId.toLowerCase()
    const anyTenant = tenant === 'common' || tenant === 'organizations'
    if (rest === 'discovery/v2.0/keys' || rest === 'discovery/keys') {
      if (!knownTenant && !anyTenant) return this._fail(res, this._tenantNotFound(tenant))
      return sendJson(res, 200, { keys: [this._config.key.jwk] })
    }
    if (!knownTenant) return this._fail(res, this._tenantNotFound(tenant))
    const authority = `${origin}/${this._config.tenantId}`
    if (rest === 'v2.0/.well-known/openid-configuration' || rest === '.well-known/openid-configuration') {
      if (req.method !== 'GET') return sendJson(res, 405, { error: 'invalid_request' })
      return sendJson(res, 200, openIdConfiguration(authority, this._config.tenantId, rest.startsWith('v2.0')))
    }
    if (rest === 'oauth2/v2.0/token' || rest === 'oauth2/token') {
      if (req.method !== 'POST') {
        return this._fail(res, entraFailure(400, 'invalid_request', 900561, 'The endpoint only accepts POST requests.'))
      }
      return this._token(req, res, authority, rest === 'oauth2/token' ? 'v1' : 'v2')
    }
    return sendJson(res, 404, { error: 'not_found', error_description: `No such Entra endpoint: ${url.pathname}` })
  }

  /** Whether the tenant has a service principal for `audience`. */
  knowsResource(audience: string): boolean {
    return this._config.knownResources.some((r) => trimSlash(r) === trimSlash(audience))
  }

  /** AADSTS500011, for a resource the tenant does not know. */
  unknownResource(audience: string): EntraFailure {
    return entraFailure(
      400,
      'invalid_resource',
      500011,
      `The resource principal named ${audience} was not found in the tenant named ${this._config.tenantId}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    )
  }

  /** Checks a bearer token for ingestion against the accepted audiences. Every failure is a 401, as Azure answers. */
  checkBearer(authorization: string | undefined, audiences: readonly string[]): TokenCheck {
    if (authorization === undefined || authorization === '') {
      return deny(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.")
    }
    const match = /^Bearer\s+(\S+)$/i.exec(authorization)
    if (match === null) {
      return deny(
        401,
        'AuthenticationFailed',
        "Authentication failed. The 'Authorization' header is not a Bearer token.",
      )
    }
    const result = verifyJwt(match[1]!, this._config.key)
    if (!result.ok) return deny(401, 'InvalidAuthenticationToken', 'The access token is invalid.')
    const claims = result.claims as Partial<AccessTokenClaims>
    const nowSeconds = Math.floor(this._config.now() / 1000)
    if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds) {
      const exp = typeof claims.exp === 'number' ? new Date(claims.exp * 1000).toISOString() : 'missing'
      return deny(
        401,
        'ExpiredAuthenticationToken',
        `The access token expiry UTC time '${exp}' is earlier than current UTC time '${new Date(nowSeconds * 1000).toISOString()}'.`,
      )
    }
    if (typeof claims.nbf === 'number' && claims.nbf > nowSeconds + 300) {
      return deny(401, 'InvalidAuthenticationToken', 'The access token is not yet valid.')
    }
    if (claims.tid !== this._config.tenantId) {
      return deny(
        401,
        'InvalidAuthenticationTokenTenant',
        `The access token is from the wrong issuer '${String(claims.iss)}'.`,
      )
    }
    if (typeof claims.uti === 'string' && this._revoked.has(claims.uti)) {
      return deny(401, 'InvalidAuthenticationToken', 'The access token has been revoked.')
    }
    const aud = typeof claims.aud === 'string' ? claims.aud : ''
    if (!audiences.some((a) => trimSlash(a) === trimSlash(aud))) {
      return deny(
        401,
        'InvalidAuthenticationTokenAudience',
        `The access token has been obtained for wrong audience or resource '${aud}'. It should exactly match with one of the allowed audiences '${audiences.join("', '")}'.`,
      )
    }
    return { ok: true, claims: claims as AccessTokenClaims }
  }

  /** Makes every later request with this token fail with 401 (what a revoked session looks like). */
  revoke(claims: AccessTokenClaims): void {
    this._revoked.add(claims.uti)
  }

  /** Mints an access token directly (managed identities, tests of foreign and expired tokens). */
  mintToken(options: MintOptions = {}): string {
    const clientId = options.clientId ?? this._config.clients[0]?.clientId ?? randomUUID()
    const tid = options.tenantId ?? this._config.tenantId
    const iat = Math.floor(this._config.now() / 1000)
    const oid = objectIdFor(clientId)
    const claims: AccessTokenClaims = {
      aud: options.audience ?? 'https://monitor.azure.com',
      iss: `https://sts.windows.net/${tid}/`,
      iat,
      nbf: iat,
      exp: iat + (options.lifetimeSeconds ?? this._config.tokenLifetimeSeconds),
      appid: clientId,
      appidacr: options.appidacr ?? '1',
      idp: `https://sts.windows.net/${tid}/`,
      idtyp: 'app',
      oid,
      sub: oid,
      tid,
      uti: randomUUID().replace(/-/g, ''),
      ver: '1.0',
      ...options.claims,
    }
    return signJwt(claims, this._config.key)
  }

  /**
   * A federated token as a Kubernetes cluster (or GitHub) would issue it, signed by the emulator: what
   * `AZURE_FEDERATED_TOKEN_FILE` holds for `WorkloadIdentityCredential`.
   */
  mintFederatedToken(subject: string, audience = TOKEN_EXCHANGE_AUDIENCE, lifetimeSeconds = 86_400): string {
    const iat = Math.floor(this._config.now() / 1000)
    const claims = {
      aud: [audience],
      iss: this._config.federationIssuer,
      sub: subject,
      iat,
      nbf: iat,
      exp: iat + lifetimeSeconds,
    }
    return signJwt(claims, this._config.key, {})
  }

  private async _token(
    req: IncomingMessage,
    res: ServerResponse,
    authority: string,
    version: TokenEndpointVersion,
  ): Promise<void> {
    const { body, truncated } = await readBody(req, 65_536)
    if (truncated) return this._fail(res, entraFailure(400, 'invalid_request', 90014, 'The request body is too large.'))
    const request = parseTokenRequest(new URLSearchParams(body.toString('utf8')), req.headers.authorization, version)
    if (isEntraFailure(request)) return this._fail(res, request)
    const client = this._config.clients.find((c) => c.clientId === request.clientId)
    if (client === undefined) {
      return this._fail(
        res,
        entraFailure(
          400,
          'unauthorized_client',
          700016,
          `Application with identifier '${request.clientId}' was not found in the directory '${this._config.tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
        ),
      )
    }
    if (!this.knowsResource(request.audience)) return this._fail(res, this.unknownResource(request.audience))
    const proof = request.proof
    if (proof === undefined) {
      return this._fail(
        res,
        entraFailure(
          401,
          'invalid_client',
          7000218,
          "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
        ),
      )
    }
    if (proof.kind === 'assertion') {
      const result = verifyClientAssertion(proof.assertion, {
        client,
        tokenAudiences: this._tokenAudiences(authority),
        emulatorKey: this._config.key,
        nowSeconds: Math.floor(this._config.now() / 1000),
      })
      if (!result.ok) return this._fail(res, result.failure)
    } else if (client.secret === undefined || !safeEqual(proof.secret, client.secret)) {
      return this._fail(
        res,
        entraFailure(
          401,
          'invalid_client',
          7000215,
          `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${client.clientId}'.`,
        ),
      )
    }
    const lifetime = this._config.tokenLifetimeSeconds
    const accessToken = this.mintToken({
      clientId: client.clientId,
      audience: request.audience,
      appidacr: proof.kind === 'secret' ? '1' : '2',
    })
    const headers = {
      'cache-control': 'no-store, no-cache',
      pragma: 'no-cache',
      'x-ms-request-id': randomUUID(),
      'x-authority': authority,
    }
    if (version === 'v2') {
      return sendJson(
        res,
        200,
        { token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: accessToken },
        headers,
      )
    }
    // v1 answers with strings and names the resource.
    const now = Math.floor(this._config.now() / 1000)
    sendJson(
      res,
      200,
      {
        token_type: 'Bearer',
        expires_in: String(lifetime),
        ext_expires_in: String(lifetime),
        expires_on: String(now + lifetime),
        not_before: String(now),
        resource: request.audience,
        access_token: accessToken,
      },
      headers,
    )
  }

  /** What `aud` of a certificate assertion may be: a token endpoint or the issuer, on any origin of the emulator. */
  private _tokenAudiences(requestAuthority: string): string[] {
    const tenant = this._config.tenantId
    const authorities = new Set([requestAuthority, ...this._config.origins().map((o) => `${o}/${tenant}`)])
    return [...authorities].flatMap((a) => [`${a}/oauth2/v2.0/token`, `${a}/oauth2/token`, `${a}/v2.0`, a])
  }

  private _tenantNotFound(tenant: string): EntraFailure {
    return entraFailure(
      400,
      'invalid_tenant',
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
    )
  }

  private _fail(res: ServerResponse, failure: EntraFailure): void {
    sendEntraError(res, failure, this._config.now())
  }
}
