import { generateKeyPairSync, type KeyObject, sign, X509Certificate } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  ClientAssertionCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  WorkloadIdentityCredential,
} from '@azure/identity'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createClientCertificate } from '../src/certs.ts'
import { EMULATOR_FEDERATION_ISSUER, type Emulator, startEmulator } from '../src/index.ts'
import { thumbprints } from '../src/x509.ts'
import { claimsOf, ingest, send } from './helpers.ts'

const SCOPE = 'https://monitor.azure.com/.default'
const EXTERNAL_ISSUER = 'https://token.actions.githubusercontent.com'
const external = generateKeyPairSync('rsa', { modulusLength: 2048 })
const FOREIGN_CLIENT = '22222222-2222-4222-a222-222222222222'

let emulator: Emulator
beforeAll(async () => {
  emulator = await startEmulator({
    clients: [
      {
        clientId: FOREIGN_CLIENT,
        federatedCredentials: [
          {
            issuer: EXTERNAL_ISSUER,
            subject: 'repo:dcr-logs/dcr-logs:ref:refs/heads/main',
            keys: [external.publicKey.export({ format: 'jwk' })],
          },
        ],
      },
    ],
  })
})
afterAll(() => emulator.close())

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
/** A hand-made RS256 JWT, for the assertions @azure/identity would never build. */
const jwt = (header: Record<string, unknown>, claims: Record<string, unknown>, key: KeyObject): string => {
  const input = `${b64({ typ: 'JWT', alg: 'RS256', ...header })}.${b64(claims)}`
  return `${input}.${sign('RSA-SHA256', Buffer.from(input), key).toString('base64url')}`
}
const tokenEndpoint = (v: 'v1' | 'v2' = 'v2') => `/${emulator.tenantId}/oauth2/${v === 'v2' ? 'v2.0/' : ''}token`
const post = (fields: Record<string, string>, v: 'v1' | 'v2' = 'v2') =>
  send(emulator, tokenEndpoint(v), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  })
const assertionRequest = (clientAssertion: string, clientId = emulator.clientId) => ({
  grant_type: 'client_credentials',
  client_id: clientId,
  scope: SCOPE,
  client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
  client_assertion: clientAssertion,
})
const identityOptions = () => ({ authorityHost: emulator.authorityHost, disableInstanceDiscovery: true })

describe('certificate credentials', () => {
  test('ClientCertificateCredential signs in with the certificate file the emulator registered', async () => {
    const credential = new ClientCertificateCredential(
      emulator.tenantId,
      emulator.clientId,
      { certificatePath: emulator.certificateFile },
      identityOptions(),
    )
    const token = await credential.getToken(SCOPE)
    expect(claimsOf(token.token)).toMatchObject({
      appid: emulator.clientId,
      appidacr: '2',
      aud: 'https://monitor.azure.com',
    })
    expect((await ingest(emulator, [{ Body: 'cert' }], { token: token.token })).status).toBe(204)
  })

  test('…also with the certificate chain sent (x5c) and the PEM given as text', async () => {
    const { readFile } = await import('node:fs/promises')
    const credential = new ClientCertificateCredential(
      emulator.tenantId,
      emulator.clientId,
      { certificate: await readFile(emulator.certificateFile, 'utf8') },
      { ...identityOptions(), sendCertificateChain: true },
    )
    expect((await credential.getToken(SCOPE)).token).toMatch(/^ey/)
  })

  test('a certificate the app does not have is AADSTS700027, naming the thumbprint', async () => {
    const other = await createClientCertificate('not registered')
    const path = join(tmpdir(), `unregistered-${process.pid}.pem`)
    await writeFile(path, `${other.privateKey}${other.certificate}`)
    const credential = new ClientCertificateCredential(
      emulator.tenantId,
      emulator.clientId,
      { certificatePath: path },
      identityOptions(),
    )
    const error = await credential.getToken(SCOPE).then(
      () => undefined,
      (e: Error) => e,
    )
    expect(error?.message).toContain('AADSTS700027')
    expect(error?.message).toContain(thumbprints(new X509Certificate(other.certificate)).x5tS256)
  })

  describe('assertions Entra refuses', async () => {
    const { readFile } = await import('node:fs/promises')
    const pem = async () => readFile(emulator.certificateFile, 'utf8')
    const keyAndThumb = async () => {
      const text = await pem()
      const { createPrivateKey } = await import('node:crypto')
      return { key: createPrivateKey(text), x5t: thumbprints(new X509Certificate(text)).x5t }
    }
    const claims = (over: Record<string, unknown> = {}) => {
      const now = Math.floor(Date.now() / 1000)
      return {
        aud: `${emulator.authorityHost}${tokenEndpoint()}`,
        iss: emulator.clientId,
        sub: emulator.clientId,
        jti: 'x',
        nbf: now,
        exp: now + 600,
        ...over,
      }
    }

    test('RS256 with the SHA-1 thumbprint (x5t) passes, as older MSAL versions send it', async () => {
      const { key, x5t } = await keyAndThumb()
      const reply = await post(assertionRequest(jwt({ x5t }, claims(), key)))
      expect(reply.status).toBe(200)
    })

    test.each([
      [
        'an audience that is not the token endpoint',
        { aud: 'https://login.microsoftonline.com/x/oauth2/v2.0/token' },
        50012,
      ],
      ['an expired assertion', { exp: Math.floor(Date.now() / 1000) - 3600 }, 700024],
      ['another issuer than the client', { iss: 'someone-else' }, 700021],
    ])('%s', async (_name, over, code) => {
      const { key, x5t } = await keyAndThumb()
      const reply = await post(assertionRequest(jwt({ x5t }, claims(over), key)))
      expect(reply.status).toBe(401)
      expect(reply.json()).toMatchObject({ error: 'invalid_client', error_codes: [code] })
    })

    test('a signature by another key', async () => {
      const { x5t } = await keyAndThumb()
      const reply = await post(assertionRequest(jwt({ x5t }, claims(), external.privateKey)))
      expect(reply.json()).toMatchObject({ error_codes: [700027] })
    })

    test('a client_assertion without client_assertion_type', async () => {
      const { key, x5t } = await keyAndThumb()
      const { client_assertion_type: _t, ...rest } = assertionRequest(jwt({ x5t }, claims(), key))
      const reply = await post(rest)
      expect(reply.status).toBe(400)
      expect(reply.json()).toMatchObject({ error: 'invalid_request', error_codes: [90014] })
    })
  })
})

describe('workload identity (federated tokens)', () => {
  test('WorkloadIdentityCredential signs in with the token file the emulator writes', async () => {
    const credential = new WorkloadIdentityCredential({
      tenantId: emulator.tenantId,
      clientId: emulator.clientId,
      tokenFilePath: emulator.workloadIdentity.tokenFile,
      ...identityOptions(),
    })
    const token = await credential.getToken(SCOPE)
    expect(claimsOf(token.token)).toMatchObject({ appid: emulator.clientId, appidacr: '2' })
  })

  test('the token file holds a Kubernetes-style token: issuer, subject, api://AzureADTokenExchange', async () => {
    const { readFile } = await import('node:fs/promises')
    const claims = claimsOf(await readFile(emulator.workloadIdentity.tokenFile, 'utf8'))
    expect(claims).toMatchObject({
      iss: EMULATOR_FEDERATION_ISSUER,
      sub: emulator.workloadIdentity.subject,
      aud: ['api://AzureADTokenExchange'],
    })
  })

  test('ClientAssertionCredential with a token from an external issuer the app trusts (keys registered)', async () => {
    const now = Math.floor(Date.now() / 1000)
    const credential = new ClientAssertionCredential(
      emulator.tenantId,
      FOREIGN_CLIENT,
      async () =>
        jwt(
          { kid: 'gh' },
          {
            iss: EXTERNAL_ISSUER,
            sub: 'repo:dcr-logs/dcr-logs:ref:refs/heads/main',
            aud: 'api://AzureADTokenExchange',
            nbf: now,
            exp: now + 300,
          },
          external.privateKey,
        ),
      identityOptions(),
    )
    expect(claimsOf((await credential.getToken(SCOPE)).token)).toMatchObject({ appid: FOREIGN_CLIENT })
  })

  test.each([
    ['another subject', () => emulator.createFederatedToken({ subject: 'system:serviceaccount:other:sa' }), 700213],
    ['another audience', () => emulator.createFederatedToken({ audience: 'api://something-else' }), 700212],
    [
      'an issuer nobody registered',
      () =>
        jwt(
          {},
          { iss: 'https://unknown.example', sub: 'x', aud: 'api://AzureADTokenExchange', exp: 9e9 },
          external.privateKey,
        ),
      700211,
    ],
    [
      "a forged token with the emulator's issuer",
      () =>
        jwt(
          {},
          {
            iss: EMULATOR_FEDERATION_ISSUER,
            sub: emulator.workloadIdentity.subject,
            aud: 'api://AzureADTokenExchange',
            exp: 9e9,
          },
          external.privateKey,
        ),
      50013,
    ],
    ['an expired token', () => emulator.createFederatedToken({ lifetimeSeconds: -3600 }), 700024],
  ])('%s is refused', async (_name, make, code) => {
    const reply = await post(assertionRequest(make()))
    expect(reply.status).toBe(401)
    expect(reply.json()).toMatchObject({ error: 'invalid_client', error_codes: [code] })
  })
})

describe('v1 token endpoint (resource=)', () => {
  const v1 = () => ({
    grant_type: 'client_credentials',
    client_id: emulator.clientId,
    client_secret: emulator.clientSecret,
    resource: 'https://monitor.azure.com',
  })

  test('answers in the v1 shape (strings, expires_on, resource) with a token ingestion accepts', async () => {
    const reply = await post(v1(), 'v1')
    expect(reply.status).toBe(200)
    const body = reply.json() as Record<string, string>
    expect(body).toMatchObject({
      token_type: 'Bearer',
      expires_in: '3599',
      resource: 'https://monitor.azure.com',
      expires_on: expect.stringMatching(/^\d+$/),
      not_before: expect.stringMatching(/^\d+$/),
    })
    expect((await ingest(emulator, [{ Body: 'v1' }], { token: body['access_token']! })).status).toBe(204)
  })

  test('v1 without resource, and v2 with resource instead of scope, fail like Entra', async () => {
    const { resource: _r, ...noResource } = v1()
    expect((await post(noResource, 'v1')).json()).toMatchObject({ error_codes: [900144] })
    expect((await post(v1(), 'v2')).json()).toMatchObject({ error: 'invalid_request', error_codes: [901002] })
  })

  test('an app with only a certificate cannot use a secret', async () => {
    const keys = await createClientCertificate('cert only')
    const certOnly = await startEmulator({ clients: [{ clientId: 'cert-only-app', certificates: [keys.certificate] }] })
    try {
      const credential = new ClientSecretCredential(certOnly.tenantId, 'cert-only-app', 'guess', {
        authorityHost: certOnly.authorityHost,
        disableInstanceDiscovery: true,
      })
      await expect(credential.getToken(SCOPE)).rejects.toThrow(/AADSTS7000215/)
    } finally {
      await certOnly.close()
    }
  })
})

describe('registrations are checked at start', () => {
  test.each([
    [{ clientId: 'x' }, /has no credential/],
    [{ clientId: 'x', certificates: ['not a pem'] }, /certificates\[0\] is not a PEM certificate/],
    [{ clientId: 'x', federatedCredentials: [{ issuer: 'https://elsewhere', subject: 's' }] }, /give the public keys/],
  ])('%j', async (client, message) => {
    await expect(startEmulator({ clients: [client] })).rejects.toMatchObject({ code: 'INVALID_OPTIONS', message })
  })
})
