import * as identity from '@azure/identity'
import { describe, expect, it } from 'vitest'
import { buildCredential, credentialFromConfig } from '../../src/auth/credential-config.ts'
import { isLogsIngestionError } from '../../src/index.ts'

const PEM =
  '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n'

describe('credential configs', () => {
  it('become the matching @azure/identity credential', () => {
    const cases = [
      [
        { type: 'clientSecret', tenantId: 't', clientId: 'c', clientSecret: 's', authorityHost: 'https://127.0.0.1:1' },
        identity.ClientSecretCredential,
      ],
      [
        { type: 'clientCertificate', tenantId: 't', clientId: 'c', certificatePath: '/nonexistent.pem' },
        identity.ClientCertificateCredential,
      ],
      [
        { type: 'clientCertificate', tenantId: 't', clientId: 'c', certificate: PEM },
        identity.ClientCertificateCredential,
      ],
      [{ type: 'managedIdentity' }, identity.ManagedIdentityCredential],
      [{ type: 'managedIdentity', clientId: 'c' }, identity.ManagedIdentityCredential],
      [{ type: 'managedIdentity', resourceId: '/subscriptions/s/x' }, identity.ManagedIdentityCredential],
      [
        { type: 'workloadIdentity', tenantId: 't', clientId: 'c', tokenFilePath: '/var/run/token' },
        identity.WorkloadIdentityCredential,
      ],
      [{ type: 'azureCli', tenantId: 't' }, identity.AzureCliCredential],
      [{ type: 'environment' }, identity.EnvironmentCredential],
      [{ type: 'default', managedIdentityClientId: 'c' }, identity.DefaultAzureCredential],
    ] as const
    for (const [config, Class] of cases) {
      expect(buildCredential(identity, config, {}), config.type).toBeInstanceOf(Class)
    }
  })

  it('loads @azure/identity lazily, on the first token request, once', async () => {
    let imports = 0
    const credential = credentialFromConfig(
      { type: 'clientSecret', tenantId: 't', clientId: 'c', clientSecret: 's' },
      {
        importIdentity: async () => {
          imports++
          return {
            ...identity,
            ClientSecretCredential: class {
              getToken = async () => ({ token: 'tok', expiresOnTimestamp: Date.now() + 60_000 })
            },
          } as unknown as typeof identity
        },
      },
    )
    expect(imports).toBe(0)
    expect(await credential.getToken('s')).toMatchObject({ token: 'tok' })
    await credential.getToken('s')
    expect(imports).toBe(1)
  })

  it('says how to fix a missing @azure/identity, and tries again on the next request', async () => {
    let attempts = 0
    const credential = credentialFromConfig(
      { type: 'managedIdentity' },
      {
        importIdentity: () => {
          attempts++
          return Promise.reject(
            Object.assign(new Error("Cannot find package '@azure/identity'"), { code: 'ERR_MODULE_NOT_FOUND' }),
          )
        },
      },
    )
    const error = await credential.getToken('s').then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(isLogsIngestionError(error)).toBe(true)
    expect(error).toMatchObject({ code: 'MISSING_DEPENDENCY' })
    expect((error as Error).message).toMatch(/type: "managedIdentity".*npm install @azure\/identity.*getToken\(\)/)
    expect(((error as Error).cause as Error).message).toMatch(/Cannot find package/)
    await expect(credential.getToken('s')).rejects.toMatchObject({ code: 'MISSING_DEPENDENCY' })
    expect(attempts).toBe(2)
  })
})
