/**
 * Reads a client-credentials token request, as Entra's v2 endpoint (`scope=…/.default`) and v1 endpoint
 * (`resource=…`) take it: grant type, client id (form or HTTP Basic), the credential, and the audience. Pure.
 */
import { JWT_BEARER_ASSERTION_TYPE } from './client-assertion.ts'
import { type EntraFailure, entraFailure, missingParameter } from './entra-errors.ts'

export type TokenEndpointVersion = 'v1' | 'v2'

/** How the client proves who it is. */
export type ClientProof = { kind: 'secret'; secret: string } | { kind: 'assertion'; assertion: string }

export interface TokenRequest {
  clientId: string
  /** undefined when the request carries neither a secret nor an assertion. */
  proof: ClientProof | undefined
  /** What the token is for: the scope without `/.default`, or the v1 `resource`. */
  audience: string
}

const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email'])

const isFailure = (v: unknown): v is EntraFailure => typeof v === 'object' && v !== null && 'code' in v

const audienceFromScope = (scope: string): string | EntraFailure => {
  const scopes = scope.split(/\s+/).filter((s) => s !== '' && !OIDC_SCOPES.has(s))
  const defaults = scopes.filter((s) => s.endsWith('/.default'))
  if (scopes.length !== 1 || defaults.length !== 1) {
    return entraFailure(
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${scopes.join(' ')} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    )
  }
  // Everything before the last slash is the audience (so `https://monitor.azure.com//.default` → `…com/`).
  return defaults[0]!.slice(0, -'/.default'.length)
}

const clientProof = (
  form: URLSearchParams,
  basicSecret: string | undefined,
): ClientProof | undefined | EntraFailure => {
  const assertion = form.get('client_assertion')
  if (assertion !== null && assertion !== '') {
    const type = form.get('client_assertion_type')
    if (type !== JWT_BEARER_ASSERTION_TYPE) {
      return entraFailure(
        400,
        'invalid_request',
        type === null ? 90014 : 50027,
        type === null
          ? "The required field 'client_assertion_type' is missing from the credential. Send client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer."
          : `client_assertion_type '${type}' is not supported: use urn:ietf:params:oauth:client-assertion-type:jwt-bearer.`,
      )
    }
    return { kind: 'assertion', assertion }
  }
  const secret = form.get('client_secret') ?? basicSecret
  return secret === undefined || secret === '' ? undefined : { kind: 'secret', secret }
}

/** Parses the form body and Authorization header of a token request. */
export const parseTokenRequest = (
  form: URLSearchParams,
  authorization: string | undefined,
  version: TokenEndpointVersion,
): TokenRequest | EntraFailure => {
  let clientId = form.get('client_id') ?? undefined
  let basicSecret: string | undefined
  const basic = /^Basic\s+(\S+)$/i.exec(authorization ?? '')
  if (basic !== null) {
    const [id, ...pw] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':')
    clientId ??= decodeURIComponent(id ?? '')
    basicSecret = decodeURIComponent(pw.join(':'))
  }
  const grantType = form.get('grant_type')
  if (grantType === null) return missingParameter('grant_type')
  if (grantType !== 'client_credentials') {
    return entraFailure(
      400,
      'unsupported_grant_type',
      70003,
      `The app requested an unsupported grant type '${grantType}'. The emulator supports client_credentials only.`,
    )
  }
  if (clientId === undefined || clientId === '') return missingParameter('client_id')

  let audience: string | EntraFailure
  const scope = form.get('scope')
  const resource = form.get('resource')
  if (version === 'v1') {
    if (resource === null || resource.trim() === '') return missingParameter('resource')
    audience = resource.trim()
  } else if (scope === null || scope.trim() === '') {
    if (resource !== null) {
      return entraFailure(
        400,
        'invalid_request',
        901002,
        "The 'resource' request parameter is not supported on the v2.0 endpoint: send scope=<resource>/.default, or use the v1 endpoint (/oauth2/token).",
      )
    }
    return missingParameter('scope')
  } else audience = audienceFromScope(scope)
  if (isFailure(audience)) return audience

  const proof = clientProof(form, basicSecret)
  if (isFailure(proof)) return proof
  return { clientId, proof, audience }
}

export { isFailure as isEntraFailure }
