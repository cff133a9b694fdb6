/**
 * Managed identity endpoints, as `@azure/identity`'s `ManagedIdentityCredential` (MSAL) calls them:
 * - App Service style: `GET {IDENTITY_ENDPOINT}?api-version=2019-08-01&resource=…` with `X-IDENTITY-HEADER`;
 * - IMDS style: `GET {AZURE_POD_IDENTITY_AUTHORITY_HOST}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=…`
 *   with `Metadata: true` (the variable MSAL honours to move IMDS off 169.254.169.254).
 * A system-assigned identity always exists; user-assigned ones are chosen by `client_id`, `object_id`,
 * `mi_res_id` (App Service) or `msi_res_id` (IMDS).
 */
import { randomUUID, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { sendJson } from './http.ts'
import type { ManagedIdentityRegistration } from './registrations.ts'
import { objectIdFor, type TokenService } from './token-service.ts'

export const APP_SERVICE_IDENTITY_PATH = '/msi/token'
export const IMDS_TOKEN_PATH = '/metadata/identity/oauth2/token'

/** A managed identity with its ids filled in. */
export interface ManagedIdentity {
  clientId: string
  objectId: string
  resourceId: string
}

export interface ManagedIdentityConfig {
  systemAssigned: ManagedIdentity
  userAssigned: readonly ManagedIdentity[]
  /** The App Service secret (`IDENTITY_HEADER`). */
  identityHeader: string
  tokens: TokenService
  tokenLifetimeSeconds: number
  now: () => number
}

/** Fills in the object and resource ids of a user-assigned identity. */
export const completeManagedIdentity = (m: ManagedIdentityRegistration, subscriptionId: string): ManagedIdentity => ({
  clientId: m.clientId,
  objectId: m.objectId ?? objectIdFor(m.clientId),
  resourceId:
    m.resourceId ??
    `/subscriptions/${subscriptionId}/resourceGroups/emulator/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${m.clientId}`,
})

const safeEqual = (a: string, b: string): boolean => {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

interface Reply {
  status: number
  body: Record<string, unknown>
}

/** MSAL reads `error`/`error_description` (and App Service's `message`); send all three. */
const failure = (status: number, error: string, description: string): Reply => ({
  status,
  body: { error, error_description: description, message: description, correlationId: randomUUID() },
})

export class ManagedIdentityEndpoint {
  constructor(private readonly _config: ManagedIdentityConfig) {}

  handles(pathname: string): boolean {
    const p = pathname.toLowerCase().replace(/\/+$/, '')
    return p === APP_SERVICE_IDENTITY_PATH || p === IMDS_TOKEN_PATH
  }

  handle(req: IncomingMessage, res: ServerResponse, url: URL): void {
    req.resume()
    const reply = this._answer(req, url)
    sendJson(res, reply.status, reply.body)
  }

  private _answer(req: IncomingMessage, url: URL): Reply {
    const imds = url.pathname.toLowerCase().replace(/\/+$/, '') === IMDS_TOKEN_PATH
    if (req.method !== 'GET') return failure(405, 'invalid_request', 'Managed identity endpoints take GET requests.')
    if (imds) {
      // IMDS refuses requests without the header (SSRF protection); @azure/identity's probe relies on that answer.
      if (req.headers['metadata']?.toString().toLowerCase() !== 'true') {
        return failure(400, 'invalid_request', 'Required metadata header not specified')
      }
    } else {
      const header = req.headers['x-identity-header']
      if (typeof header !== 'string' || !safeEqual(header, this._config.identityHeader)) {
        return failure(
          401,
          'unauthorized_client',
          'The X-IDENTITY-HEADER header is missing or does not match IDENTITY_HEADER. Copy both IDENTITY_ENDPOINT and IDENTITY_HEADER from the emulator.',
        )
      }
    }
    const q = url.searchParams
    if (!q.get('api-version'))
      return failure(400, 'invalid_request', "Required query variable 'api-version' is missing")
    const resource = q.get('resource')
    if (resource === null || resource === '') {
      return failure(400, 'invalid_request', "Required query variable 'resource' is missing")
    }
    const identity = this._select(q, imds)
    if (identity === undefined) return failure(400, 'invalid_request', 'Identity not found')
    const { tokens, tokenLifetimeSeconds: lifetime } = this._config
    if (!tokens.knowsResource(resource)) {
      const unknown = tokens.unknownResource(resource)
      return failure(400, unknown.error, `AADSTS${unknown.code}: ${unknown.description}`)
    }
    const accessToken = tokens.mintToken({
      clientId: identity.clientId,
      audience: resource,
      appidacr: '2',
      claims: { oid: identity.objectId, sub: identity.objectId, xms_mirid: identity.resourceId },
    })
    const now = Math.floor(this._config.now() / 1000)
    const common = {
      access_token: accessToken,
      expires_on: String(now + lifetime),
      resource,
      token_type: 'Bearer',
      client_id: identity.clientId,
    }
    return {
      status: 200,
      body: imds
        ? { ...common, expires_in: String(lifetime), ext_expires_in: String(lifetime), not_before: String(now) }
        : common,
    }
  }

  /** The identity a request names, or the system-assigned one when it names none. */
  private _select(q: URLSearchParams, imds: boolean): ManagedIdentity | undefined {
    const all = [this._config.systemAssigned, ...this._config.userAssigned]
    const clientId = q.get('client_id') ?? q.get('clientid')
    const objectId = q.get('object_id') ?? q.get('principal_id')
    const resourceId = q.get(imds ? 'msi_res_id' : 'mi_res_id') ?? q.get('mi_res_id') ?? q.get('msi_res_id')
    if (clientId !== null) return all.find((m) => m.clientId.toLowerCase() === clientId.toLowerCase())
    if (objectId !== null) return all.find((m) => m.objectId.toLowerCase() === objectId.toLowerCase())
    if (resourceId !== null) return all.find((m) => m.resourceId.toLowerCase() === resourceId.toLowerCase())
    return this._config.systemAssigned
  }
}
