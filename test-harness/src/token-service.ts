/**
 * The Entra (Azure AD) side: OpenID metadata, JWKS and the v2 token endpoint for the client-credentials flow,
 * enough for `@azure/identity`'s `ClientSecretCredential` (MSAL) with `disableInstanceDiscovery: true`.
 * Error bodies copy Entra's shape: `{error, error_description: "AADSTS…", error_codes, timestamp, trace_id, correlation_id}`.
 */
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { readBody, sendJson } from './http.ts'
import { type AccessTokenClaims, type SigningKey, signJwt, verifyJwt } from './jwt.ts'

/** A registered application (service principal) that may request tokens. */
export interface ClientRegistration {
  clientId: string
  clientSecret: string
}

export interface TokenServiceConfig {
  tenantId: string
  clients: readonly ClientRegistration[]
  /** Resources (audiences) the tenant knows; a scope for anything else fails with AADSTS500011. */
  knownResources: readonly string[]
  tokenLifetimeSeconds: number
  key: SigningKey
  now: () => number
}

/** Outcome of checking a bearer token on an ingestion request. */
export type TokenCheck =
  | { ok: true; claims: AccessTokenClaims }
  | { ok: false; status: 401 | 403; code: string; message: string }

const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email'])

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
const objectIdFor = (clientId: string): string => {
  const h = createHash('sha256').update(`sp:${clientId}`).digest('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`
}

const safeEqual = (a: string, b: string): boolean => {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

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
      if (!knownTenant && !anyTenant) return this._tenantNotFound(res, tenant)
      return sendJson(res, 200, { keys: [this._config.key.jwk] })
    }
    if (!knownTenant) return this._tenantNotFound(res, tenant)
    const authority = `${origin}/${this._config.tenantId}`
    if (rest === 'v2.0/.well-known/openid-configuration' || rest === '.well-known/openid-configuration') {
      if (req.method !== 'GET') return sendJson(res, 405, { error: 'invalid_request' })
      return sendJson(res, 200, this._openIdConfiguration(authority, rest.startsWith('v2.0')))
    }
    if (rest === 'oauth2/v2.0/token' || rest === 'oauth2/token') {
      if (req.method !== 'POST')
        return this._error(res, 400, 'invalid_request', 900561, 'The endpoint only accepts POST requests.')
      return this._token(req, res, authority)
    }
    return sendJson(res, 404, { error: 'not_found', error_description: `No such Entra endpoint: ${url.pathname}` })
  }

  /** Checks a bearer token for ingestion against the accepted audiences. */
  checkBearer(authorization: string | undefined, audiences: readonly string[]): TokenCheck {
    if (authorization === undefined || authorization === '') {
      return {
        ok: false,
        status: 401,
        code: 'AuthenticationFailed',
        message: "Authentication failed. The 'Authorization' header is missing.",
      }
    }
    const match = /^Bearer\s+(\S+)$/i.exec(authorization)
    if (match === null) {
      return {
        ok: false,
        status: 401,
        code: 'AuthenticationFailed',
        message: "Authentication failed. The 'Authorization' header is not a Bearer token.",
      }
    }
    const result = verifyJwt(match[1]!, this._config.key)
    if (!result.ok) {
      return { ok: false, status: 401, code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' }
    }
    const claims = result.claims as Partial<AccessTokenClaims>
    const nowSeconds = Math.floor(this._config.now() / 1000)
    if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds) {
      const exp = typeof claims.exp === 'number' ? new Date(claims.exp * 1000).toISOString() : 'missing'
      return {
        ok: false,
        status: 401,
        code: 'ExpiredAuthenticationToken',
        message: `The access token expiry UTC time '${exp}' is earlier than current UTC time '${new Date(nowSeconds * 1000).toISOString()}'.`,
      }
    }
    if (typeof claims.nbf === 'number' && claims.nbf > nowSeconds + 300) {
      return {
        ok: false,
        status: 401,
        code: 'InvalidAuthenticationToken',
        message: 'The access token is not yet valid.',
      }
    }
    if (claims.tid !== this._config.tenantId) {
      return {
        ok: false,
        status: 401,
        code: 'InvalidAuthenticationTokenTenant',
        message: `The access token is from the wrong issuer '${String(claims.iss)}'.`,
      }
    }
    if (typeof claims.uti === 'string' && this._revoked.has(claims.uti)) {
      return {
        ok: false,
        status: 401,
        code: 'InvalidAuthenticationToken',
        message: 'The access token has been revoked.',
      }
    }
    const aud = typeof claims.aud === 'string' ? claims.aud : ''
    if (!audiences.some((a) => trimSlash(a) === trimSlash(aud))) {
      return {
        ok: false,
        status: 403,
        code: 'InvalidAuthenticationTokenAudience',
        message: `The access token has been obtained for wrong audience or resource '${aud}'. It should exactly match with one of the allowed audiences '${audiences.join("', '")}'.`,
      }
    }
    return { ok: true, claims: claims as AccessTokenClaims }
  }

  /** Makes every later request with this token fail with 401 (what a revoked session looks like). */
  revoke(claims: AccessTokenClaims): void {
    this._revoked.add(claims.uti)
  }

  /** Mints a token directly, for tests that need one without the HTTP round trip (e.g. an expired or foreign one). */
  mintToken(
    options: { clientId?: string; audience?: string; lifetimeSeconds?: number; tenantId?: string } = {},
  ): string {
    const clientId = options.clientId ?? this._config.clients[0]?.clientId ?? randomUUID()
    return this._mint(
      clientId,
      options.audience ?? 'https://monitor.azure.com',
      options.lifetimeSeconds,
      options.tenantId,
    )
  }

  private _mint(clientId: string, audience: string, lifetimeSeconds?: number, tenantId?: string): string {
    const tid = tenantId ?? this._config.tenantId
    const iat = Math.floor(this._config.now() / 1000)
    const oid = objectIdFor(clientId)
    const claims: AccessTokenClaims = {
      aud: audience,
      iss: `https://sts.windows.net/${tid}/`,
      iat,
      nbf: iat,
      exp: iat + (lifetimeSeconds ?? this._config.tokenLifetimeSeconds),
      appid: clientId,
      appidacr: '1',
      idp: `https://sts.windows.net/${tid}/`,
      idtyp: 'app',
      oid,
      sub: oid,
      tid,
      uti: randomUUID().replace(/-/g, ''),
      ver: '1.0',
    }
    return signJwt(claims, this._config.key)
  }

  private _openIdConfiguration(authority: string, v2: boolean): Record<string, unknown> {
    const suffix = v2 ? '/v2.0' : ''
    return {
      token_endpoint: `${authority}/oauth2${suffix}/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${authority}/discovery${suffix}/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: v2 ? `${authority}/v2.0` : `https://sts.windows.net/${this._config.tenantId}/`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${authority}/openid/userinfo`,
      authorization_endpoint: `${authority}/oauth2${suffix}/authorize`,
      device_authorization_endpoint: `${authority}/oauth2${suffix}/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${authority}/oauth2${suffix}/logout`,
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'tid', 'oid', 'appid'],
      tenant_region_scope: null,
      cloud_instance_name: 'microsoftonline.com',
      cloud_graph_host_name: 'graph.windows.net',
      msgraph_host: 'graph.microsoft.com',
      rbac_url: 'https://pas.windows.net',
    }
  }

  private async _token(req: IncomingMessage, res: ServerResponse, authority: string): Promise<void> {
    const { body, truncated } = await readBody(req, 65_536)
    if (truncated) return this._error(res, 400, 'invalid_request', 90014, 'The request body is too large.')
    const form = new URLSearchParams(body.toString('utf8'))
    let clientId = form.get('client_id') ?? undefined
    let secret = form.get('client_secret') ?? undefined
    const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '')
    if (basic !== null) {
      const [id, ...pw] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':')
      clientId ??= decodeURIComponent(id ?? '')
      secret ??= decodeURIComponent(pw.join(':'))
    }
    const grantType = form.get('grant_type')
    if (grantType === null) return this._missing(res, 'grant_type')
    if (grantType !== 'client_credentials') {
      return this._error(
        res,
        400,
        'unsupported_grant_type',
        70003,
        `The app requested an unsupported grant type '${grantType}'. The emulator supports client_credentials only.`,
      )
    }
    if (clientId === undefined || clientId === '') return this._missing(res, 'client_id')
    const client = this._config.clients.find((c) => c.clientId === clientId)
    if (client === undefined) {
      return this._error(
        res,
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${this._config.tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
      )
    }
    const scope = form.get('scope')
    if (scope === null || scope.trim() === '') return this._missing(res, 'scope')
    const scopes = scope.split(/\s+/).filter((s) => s !== '' && !OIDC_SCOPES.has(s))
    const defaults = scopes.filter((s) => s.endsWith('/.default'))
    if (scopes.length !== 1 || defaults.length !== 1) {
      return this._error(
        res,
        400,
        'invalid_scope',
        1002012,
        `The provided value for scope ${scopes.join(' ')} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
      )
    }
    // Everything before the last slash is the audience (so `https://monitor.azure.com//.default` → `…com/`).
    const audience = defaults[0]!.slice(0, -'/.default'.length)
    if (!this._config.knownResources.some((r) => trimSlash(r) === trimSlash(audience))) {
      return this._error(
        res,
        400,
        'invalid_resource',
        500011,
        `The resource principal named ${audience} was not found in the tenant named ${this._config.tenantId}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
      )
    }
    if (form.get('client_assertion') !== null) {
      return this._error(
        res,
        401,
        'invalid_client',
        700027,
        'Client assertion is not supported by the emulator: use a client secret.',
      )
    }
    if (secret === undefined || secret === '') {
      return this._error(
        res,
        401,
        'invalid_client',
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
      )
    }
    if (!safeEqual(secret, client.clientSecret)) {
      return this._error(
        res,
        401,
        'invalid_client',
        7000215,
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${client.clientId}'.`,
      )
    }
    const lifetime = this._config.tokenLifetimeSeconds
    sendJson(
      res,
      200,
      {
        token_type: 'Bearer',
        expires_in: lifetime,
        ext_expires_in: lifetime,
        access_token: this._mint(client.clientId, audience),
      },
      {
        'cache-control': 'no-store, no-cache',
        pragma: 'no-cache',
        'x-ms-request-id': randomUUID(),
        'x-authority': authority,
      },
    )
  }

  private _missing(res: ServerResponse, parameter: string): void {
    this._error(
      res,
      400,
      'invalid_request',
      900144,
      `The request body must contain the following parameter: '${parameter}'.`,
    )
  }

  private _tenantNotFound(res: ServerResponse, tenant: string): void {
    this._error(
      res,
      400,
      'invalid_tenant',
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
    )
  }

  private _error(res: ServerResponse, status: number, error: string, code: number, description: string): void {
    const traceId = randomUUID()
    const correlationId = randomUUID()
    const timestamp = new Date(this._config.now())
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d+Z$/, 'Z')
    sendJson(res, status, {
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    })
  }
}
