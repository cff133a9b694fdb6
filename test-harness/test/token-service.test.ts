import { ClientSecretCredential } from '@azure/identity'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type Emulator, startEmulator } from '../src/index.ts'
import { claimsOf, fetchToken, send } from './helpers.ts'

let emulator: Emulator
beforeAll(async () => {
  emulator = await startEmulator({ tokenLifetimeSeconds: 600 })
})
afterAll(() => emulator.close())

const tokenRequest = (
  fields: Record<string, string>,
  tenant = emulator.tenantId,
  headers: Record<string, string> = {},
) =>
  send(emulator, `/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  })
const valid = () => ({
  grant_type: 'client_credentials',
  client_id: emulator.clientId,
  client_secret: emulator.clientSecret,
  scope: 'https://monitor.azure.com/.default',
})

describe('OpenID metadata', () => {
  test('serves the five endpoints MSAL needs, and the signing keys', async () => {
    const reply = await send(emulator, `/${emulator.tenantId}/v2.0/.well-known/openid-configuration`)
    expect(reply.status).toBe(200)
    const doc = reply.json() as Record<string, string>
    const authority = `${emulator.authorityHost}/${emulator.tenantId}`
    expect(doc).toMatchObject({
      token_endpoint: `${authority}/oauth2/v2.0/token`,
      authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
      end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
      issuer: `${authority}/v2.0`,
      jwks_uri: `${authority}/discovery/v2.0/keys`,
    })
    const keys = (await send(emulator, new URL(doc['jwks_uri']!).pathname)).json() as {
      keys: { kid: string; kty: string }[]
    }
    expect(keys.keys[0]).toMatchObject({ kty: 'RSA', kid: expect.any(String) })
  })

  test('an unknown tenant is AADSTS90002', async () => {
    const reply = await send(emulator, '/00000000-0000-0000-0000-000000000000/v2.0/.well-known/openid-configuration')
    expect(reply.status).toBe(400)
    expect(reply.json()).toMatchObject({ error: 'invalid_tenant', error_codes: [90002] })
  })
})

describe('client-credentials flow', () => {
  test('issues a signed JWT with aud, exp, iat, tid, appid', async () => {
    const before = Math.floor(Date.now() / 1000)
    const reply = await tokenRequest(valid())
    expect(reply.status).toBe(200)
    const body = reply.json() as { token_type: string; expires_in: number; access_token: string }
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 600 })
    const [header] = body.access_token.split('.')
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toMatchObject({ alg: 'RS256', typ: 'JWT' })
    const claims = claimsOf(body.access_token)
    expect(claims).toMatchObject({
      aud: 'https://monitor.azure.com',
      tid: emulator.tenantId,
      appid: emulator.clientId,
      ver: '1.0',
    })
    expect(claims['iat']).toBeGreaterThanOrEqual(before)
    expect(claims['exp']).toBe((claims['iat'] as number) + 600)
  })

  test('HTTP Basic client authentication works too', async () => {
    const { client_secret: _s, client_id: _c, ...rest } = valid()
    const basic = Buffer.from(`${emulator.clientId}:${encodeURIComponent(emulator.clientSecret)}`).toString('base64')
    const reply = await tokenRequest(rest, emulator.tenantId, { authorization: `Basic ${basic}` })
    expect(reply.status).toBe(200)
  })

  test.each([
    ['wrong secret', { client_secret: 'nope' }, 401, 'invalid_client', 7000215],
    ['unknown client', { client_id: '11111111-1111-1111-1111-111111111111' }, 400, 'unauthorized_client', 700016],
    ['no secret', { client_secret: '' }, 401, 'invalid_client', 7000218],
    [
      'scope without /.default',
      { scope: 'https://monitor.azure.com/user_impersonation' },
      400,
      'invalid_scope',
      1002012,
    ],
    ['unknown resource', { scope: 'https://example.com/.default' }, 400, 'invalid_resource', 500011],
    ['other grant type', { grant_type: 'password' }, 400, 'unsupported_grant_type', 70003],
  ])('%s fails like Entra', async (_name, change, status, error, code) => {
    const reply = await tokenRequest({ ...valid(), ...change })
    expect(reply.status).toBe(status)
    const body = reply.json() as Record<string, unknown>
    expect(body).toMatchObject({
      error,
      error_codes: [code],
      trace_id: expect.any(String),
      correlation_id: expect.any(String),
    })
    expect(body['error_description']).toMatch(new RegExp(`^AADSTS${code}: `))
    expect(JSON.stringify(body)).not.toContain(emulator.clientSecret)
  })

  test('everything before the last slash of the scope is the audience', async () => {
    expect(claimsOf(await fetchToken(emulator, 'https://monitor.azure.com//.default'))['aud']).toBe(
      'https://monitor.azure.com/',
    )
  })
})

describe('@azure/identity ClientSecretCredential', () => {
  test('gets a token through MSAL with disableInstanceDiscovery', async () => {
    const credential = new ClientSecretCredential(emulator.tenantId, emulator.clientId, emulator.clientSecret, {
      authorityHost: emulator.authorityHost,
      disableInstanceDiscovery: true,
    })
    const token = await credential.getToken('https://monitor.azure.com/.default')
    expect(claimsOf(token.token)).toMatchObject({ appid: emulator.clientId, aud: 'https://monitor.azure.com' })
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now() + 500_000)
  })

  test('short-lived tokens are refreshed by the credential', async () => {
    const short = await startEmulator({ tokenLifetimeSeconds: 60 })
    try {
      const credential = new ClientSecretCredential(short.tenantId, short.clientId, short.clientSecret, {
        authorityHost: short.authorityHost,
        disableInstanceDiscovery: true,
      })
      const first = await credential.getToken('https://monitor.azure.com/.default')
      const second = await credential.getToken('https://monitor.azure.com/.default')
      // MSAL refreshes tokens that expire within 5 minutes, so a 60 s token is never served from cache.
      expect(claimsOf(second.token)['uti']).not.toBe(claimsOf(first.token)['uti'])
      expect(first.expiresOnTimestamp - Date.now()).toBeLessThan(62_000)
    } finally {
      await short.close()
    }
  })
})
