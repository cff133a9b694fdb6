// MSAL picks the managed identity source once per process: this file is the App Service one (see -imds.test.ts).
import { DefaultAzureCredential, ManagedIdentityCredential } from '@azure/identity'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type Emulator, startEmulator } from '../src/index.ts'
import { claimsOf, ingest, send, useCredentialEnv } from './helpers.ts'

const USER_ASSIGNED = '33333333-3333-4333-a333-333333333333'

let emulator: Emulator
let restoreEnv: () => void
beforeAll(async () => {
  emulator = await startEmulator({ managedIdentities: [{ clientId: USER_ASSIGNED }] })
  // Nothing but the variables App Service sets (and the CA the Vitest setup already trusts).
  restoreEnv = useCredentialEnv(emulator.credentialEnv.managedIdentity)
})
afterAll(async () => {
  restoreEnv()
  await emulator.close()
})

describe('managed identity, App Service style (IDENTITY_ENDPOINT, IDENTITY_HEADER)', () => {
  test('DefaultAzureCredential gets a token with only environment variables set', async () => {
    const token = await new DefaultAzureCredential().getToken('https://monitor.azure.com/.default')
    expect(claimsOf(token.token)).toMatchObject({
      appid: emulator.managedIdentity.clientId,
      oid: emulator.managedIdentity.objectId,
      xms_mirid: emulator.managedIdentity.resourceId,
      aud: 'https://monitor.azure.com',
      tid: emulator.tenantId,
    })
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now() + 3_000_000)
    expect((await ingest(emulator, [{ Body: 'from a managed identity' }], { token: token.token })).status).toBe(204)
  })

  test('ManagedIdentityCredential selects a user-assigned identity by client id', async () => {
    const token = await new ManagedIdentityCredential({ clientId: USER_ASSIGNED }).getToken(
      'https://monitor.azure.com/.default',
    )
    expect(claimsOf(token.token)['appid']).toBe(USER_ASSIGNED)
  })

  test('the endpoint answers like App Service: 2019-08-01 shape, and refuses a wrong header', async () => {
    const path = `${new URL(emulator.managedIdentity.identityEndpoint).pathname}?api-version=2019-08-01&resource=https://monitor.azure.com`
    const good = await send(emulator, path, {
      headers: { 'x-identity-header': emulator.managedIdentity.identityHeader },
    })
    expect(good.status).toBe(200)
    expect(good.json()).toEqual({
      access_token: expect.any(String),
      expires_on: expect.stringMatching(/^\d+$/),
      resource: 'https://monitor.azure.com',
      token_type: 'Bearer',
      client_id: emulator.managedIdentity.clientId,
    })
    const wrong = await send(emulator, path, { headers: { 'x-identity-header': 'nope' } })
    expect(wrong.status).toBe(401)
    expect(JSON.stringify(wrong.json())).not.toContain(emulator.managedIdentity.identityHeader)
    const unknown = await send(emulator, `${path}&client_id=44444444-0000-0000-0000-000000000000`, {
      headers: { 'x-identity-header': emulator.managedIdentity.identityHeader },
    })
    expect(unknown.status).toBe(400)
    expect(unknown.json()).toMatchObject({ error_description: 'Identity not found' })
    const resource = await send(emulator, path.replace('monitor.azure.com', 'unknown.example'), {
      headers: { 'x-identity-header': emulator.managedIdentity.identityHeader },
    })
    expect(resource.json()).toMatchObject({ error: 'invalid_resource' })
  })
})
