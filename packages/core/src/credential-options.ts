/**
 * The `credential` option: a `TokenCredential`, a clone-safe config checked here, or (when absent) one picked
 * from `AZURE_*` variables the way `EnvironmentCredential` and `DefaultAzureCredential` do. Pure.
 */

import { invalid, Redacted } from './option-values.js'
import type { Env } from './options.js'
import type { CredentialConfig, TokenCredential } from './types.js'

const CREDENTIAL_TYPES = new Set([
  'clientSecret',
  'clientCertificate',
  'managedIdentity',
  'workloadIdentity',
  'azureCli',
  'environment',
  'default',
])

const REQUIRED_CREDENTIAL_FIELDS: Record<string, readonly string[]> = {
  clientSecret: ['tenantId', 'clientId', 'clientSecret'],
  clientCertificate: ['tenantId', 'clientId'],
}

export const validateCredential = (credential: unknown): TokenCredential | CredentialConfig => {
  const expected =
    'a TokenCredential (an object with getToken()) or a config such as { type: "clientSecret", tenantId, clientId, clientSecret }'
  if (credential === null || typeof credential !== 'object') {
    // a string here is often a client secret passed in the wrong place
    throw invalid(
      'credential',
      typeof credential === 'string' ? new Redacted('a string, not shown') : credential,
      expected,
    )
  }
  if (typeof (credential as TokenCredential).getToken === 'function') return credential as TokenCredential
  const type = (credential as { type?: unknown }).type
  if (typeof type !== 'string' || !CREDENTIAL_TYPES.has(type)) {
    throw invalid('credential', credential, `${expected}; type is one of ${[...CREDENTIAL_TYPES].join(', ')}`)
  }
  for (const field of REQUIRED_CREDENTIAL_FIELDS[type] ?? []) {
    const v = (credential as Record<string, unknown>)[field]
    if (typeof v !== 'string' || v === '')
      throw invalid('credential', credential, `a non-empty "${field}" for type "${type}"`)
  }
  if (type === 'clientCertificate') {
    const c = credential as { certificatePath?: unknown; certificate?: unknown }
    if (typeof c.certificatePath !== 'string' && typeof c.certificate !== 'string') {
      throw invalid('credential', credential, '"certificatePath" or "certificate" (PEM) for type "clientCertificate"')
    }
  }
  return credential as CredentialConfig
}

/** Picks a credential from `AZURE_*` variables the way `EnvironmentCredential`/`DefaultAzureCredential` do. */
export const credentialFromEnv = (env: Env): CredentialConfig => {
  const tenantId = env.AZURE_TENANT_ID
  const clientId = env.AZURE_CLIENT_ID
  const authorityHost = env.AZURE_AUTHORITY_HOST
  const withAuthority = authorityHost ? { authorityHost } : {}
  if (tenantId && clientId && env.AZURE_CLIENT_SECRET) {
    return { type: 'clientSecret', tenantId, clientId, clientSecret: env.AZURE_CLIENT_SECRET, ...withAuthority }
  }
  if (tenantId && clientId && env.AZURE_CLIENT_CERTIFICATE_PATH) {
    return {
      type: 'clientCertificate',
      tenantId,
      clientId,
      certificatePath: env.AZURE_CLIENT_CERTIFICATE_PATH,
      ...withAuthority,
    }
  }
  if (env.AZURE_FEDERATED_TOKEN_FILE) {
    return {
      type: 'workloadIdentity',
      ...(tenantId ? { tenantId } : {}),
      ...(clientId ? { clientId } : {}),
      tokenFilePath: env.AZURE_FEDERATED_TOKEN_FILE,
      ...withAuthority,
    }
  }
  return {
    type: 'default',
    ...(clientId ? { managedIdentityClientId: clientId } : {}),
    ...(tenantId ? { tenantId } : {}),
  }
}
