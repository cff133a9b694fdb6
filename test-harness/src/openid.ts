/**
 * The OpenID Connect discovery document of the emulated tenant: the five endpoints MSAL needs (authorization, token,
 * issuer, jwks, end session) and the usual Entra fields. Pure.
 */

/** `{authority}` is `{origin}/{tenantId}`; `v2` selects the v2.0 document (`/v2.0/.well-known/openid-configuration`). */
export const openIdConfiguration = (authority: string, tenantId: string, v2: boolean): Record<string, unknown> => {
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
    issuer: v2 ? `${authority}/v2.0` : `https://sts.windows.net/${tenantId}/`,
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
