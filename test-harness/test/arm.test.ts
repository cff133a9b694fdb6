/** ARM's read of a DCR: what `fetchStreamDeclaration()` of `@dcr-logs/core` reads, with a real management token. */
import { ClientSecretCredential } from '@azure/identity'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { DEFAULT_DCR, type Emulator, SYSLOG_DCR, startEmulator } from '../src/index.ts'
import { fetchToken, send } from './helpers.ts'

let emulator: Emulator
beforeAll(async () => {
  emulator = await startEmulator({
    dcrs: [
      { dcr: DEFAULT_DCR, name: 'dcr-app-logs' },
      { dcr: SYSLOG_DCR, name: 'dcr-syslog' },
    ],
  })
})
afterAll(() => emulator.close())

const path = (name: string, apiVersion = '2023-03-11') =>
  `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-logs/providers/Microsoft.Insights/dataCollectionRules/${name}?api-version=${apiVersion}`

const read = async (name: string, token: string, apiVersion?: string) =>
  send(emulator, path(name, apiVersion), { headers: { authorization: `Bearer ${token}` } })

describe('ARM GET of a data collection rule', () => {
  test('returns the DCR as Azure does: immutable id, logsIngestion endpoint, stream declarations', async () => {
    const credential = new ClientSecretCredential(emulator.tenantId, emulator.clientId, emulator.clientSecret, {
      authorityHost: emulator.authorityHost,
      disableInstanceDiscovery: true,
    })
    const { token } = (await credential.getToken('https://management.azure.com/.default'))!
    const reply = await read('dcr-syslog', token)
    expect(reply.status).toBe(200)
    const body = reply.json()
    expect(body).toMatchObject({
      id: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-logs/providers/Microsoft.Insights/dataCollectionRules/dcr-syslog',
      name: 'dcr-syslog',
      type: 'Microsoft.Insights/dataCollectionRules',
      kind: 'Direct',
      properties: {
        immutableId: emulator.rules[1]!.ruleId,
        endpoints: { logsIngestion: emulator.endpoint },
        streamDeclarations: SYSLOG_DCR.properties.streamDeclarations,
        dataFlows: SYSLOG_DCR.properties.dataFlows,
        provisioningState: 'Succeeded',
      },
    })
  })

  test('has no endpoints before api-version 2023-03-11, and refuses an unknown api-version', async () => {
    const token = await fetchToken(emulator, 'https://management.azure.com/.default')
    const old = await read('dcr-app-logs', token, '2022-06-01')
    expect(old.status).toBe(200)
    expect((old.json() as { properties: object }).properties).not.toHaveProperty('endpoints')
    const unknown = await read('dcr-app-logs', token, '2020-01-01')
    expect(unknown.status).toBe(400)
    expect((unknown.json() as { error: { code: string } }).error.code).toBe('NoRegisteredProviderFound')
  })

  test('answers 404 ResourceNotFound for a DCR it does not serve', async () => {
    const token = await fetchToken(emulator, 'https://management.azure.com/.default')
    const reply = await read('dcr-missing', token)
    expect(reply.status).toBe(404)
    expect(reply.json()).toEqual({
      error: {
        code: 'ResourceNotFound',
        message:
          "The Resource 'Microsoft.Insights/dataCollectionRules/dcr-missing' under resource group 'rg-logs' was not found.",
      },
    })
  })

  test('needs a token for https://management.azure.com: an ingestion token or none gets 401', async () => {
    const ingestionToken = await fetchToken(emulator)
    const wrong = await read('dcr-syslog', ingestionToken)
    expect(wrong.status).toBe(401)
    expect((wrong.json() as { error: { code: string } }).error.code).toBe('InvalidAuthenticationTokenAudience')
    const none = await send(emulator, path('dcr-syslog'))
    expect(none.status).toBe(401)
  })
})
