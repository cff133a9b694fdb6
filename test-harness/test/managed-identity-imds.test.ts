// MSAL picks the managed identity source once per process: this file is the IMDS one (see -app-service.test.ts).
import { DefaultAzureCredential, ManagedIdentityCredential } from '@azure/identity'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type Emulator, startEmulator } from '../src/index.ts'
import { claimsOf, send, useCredentialEnv } from './helpers.ts'

const USER_ASSIGNED = {
  clientId: '55555555-5555-4555-a555-555555555555',
  resourceId: '/subscriptions/0/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/logs',
}

let emulator: Emulator
let restoreEnv: () => void
beforeAll(async () => {
  emulator = await startEmulator({ managedIdentities: [USER_ASSIGNED] })
  // Nothing but the variables IMDS sets (and the CA the Vitest setup already trusts).
  restoreEnv = useCredentialEnv(emulator.credentialEnv.imds)
})
afterAll(async () => {
  restoreEnv()
  await emulator.close()
})

describe('managed identity, IMDS style (AZURE_POD_IDENTITY_AUTHORITY_HOST)', () => {
  test('DefaultAzureCredential gets a token with only environment variables set', async () => {
    const token = await new DefaultAzureCredential().getToken('https://monitor.azure.com/.default')
    expect(claimsOf(token.token)).toMatchObject({ appid: emulator.managedIdentity.clientId, tid: emulator.tenantId })
  })

  test('ManagedIdentityCredential selects a user-assigned identity by resource id', async () => {
    const token = await new ManagedIdentityCredential({ resourceId: USER_ASSIGNED.resourceId }).getToken(
      'https://monitor.azure.com/.default',
    )
    expect(claimsOf(token.token)).toMatchObject({ appid: USER_ASSIGNED.clientId, xms_mirid: USER_ASSIGNED.resourceId })
  })

  test('the endpoint answers like IMDS, and refuses requests without Metadata: true', async () => {
    const path = '/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://monitor.azure.com'
    const good = await send(emulator, path, { headers: { metadata: 'true' } })
    expect(good.json()).toMatchObject({
      token_type: 'Bearer',
      expires_in: '3599',
      ext_expires_in: '3599',
      expires_on: expect.stringMatching(/^\d+$/),
      not_before: expect.stringMatching(/^\d+$/),
      client_id: emulator.managedIdentity.clientId,
    })
    const probe = await send(emulator, path)
    expect(probe.status).toBe(400)
    expect(probe.json()).toMatchObject({
      error: 'invalid_request',
      error_description: 'Required metadata header not specified',
    })
  })
})
