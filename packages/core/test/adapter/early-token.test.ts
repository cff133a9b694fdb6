import { describe, expect, it } from 'vitest'
import { createLogsIngestionClient, prepareEarlyToken, type TokenCredential } from '../../src/index.ts'

const base = {
  endpoint: 'https://my-dcr-a1b2.eastus-1.ingest.monitor.azure.com',
  ruleId: 'dcr-00000000000000000000000000000000',
}

/** A credential that counts its token requests and caches, as @azure/identity credentials do. */
const countingCredential = () => {
  const scopes: string[] = []
  let cached: Promise<{ token: string; expiresOnTimestamp: number }> | undefined
  const credential: TokenCredential = {
    getToken: (scope) => {
      scopes.push(String(scope))
      cached ??= Promise.resolve({ token: 't', expiresOnTimestamp: Date.now() + 3_600_000 })
      return cached
    },
  }
  return { credential, scopes }
}

describe('prepareEarlyToken', () => {
  it("asks the user's credential for the client's scope at once, and hands the client the same credential", async () => {
    const { credential, scopes } = countingCredential()
    const setup = prepareEarlyToken({ ...base, credential, cloud: 'usgov' }, {})
    expect(setup.options.credential).toBe(credential)
    setup.prefetch()
    expect(scopes).toEqual(['https://monitor.azure.us/.default'])
    const client = createLogsIngestionClient(setup.options, { env: {} })
    expect(client.options.credential).toBe(credential)
    expect(client.options.scope).toBe(setup.resolved.scope)
  })

  it('builds one credential for a config (and for AZURE_* variables), shared by the prefetch and the client', () => {
    const env = { AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c', AZURE_CLIENT_SECRET: 's' }
    const setup = prepareEarlyToken(base, env)
    expect(typeof (setup.options.credential as TokenCredential).getToken).toBe('function')
    expect(setup.resolved.credential).toMatchObject({ type: 'clientSecret', tenantId: 't' })
    const client = createLogsIngestionClient(setup.options, { env })
    expect(client.options.credential).toBe(setup.options.credential)
  })

  it('throws the INVALID_OPTIONS error the client would throw, and never throws from prefetch', async () => {
    expect(() => prepareEarlyToken({ ruleId: base.ruleId }, {})).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTIONS', message: expect.stringContaining('endpoint') }),
    )
    const failing: TokenCredential = {
      getToken: () => {
        throw new Error('no network')
      },
    }
    const errors: string[] = []
    const setup = prepareEarlyToken({ ...base, credential: failing }, {})
    expect(() => setup.prefetch((m) => errors.push(m))).not.toThrow()
    const rejecting: TokenCredential = { getToken: () => Promise.reject(new Error('denied')) }
    prepareEarlyToken({ ...base, credential: rejecting }, {}).prefetch((m) => errors.push(m))
    await new Promise((resolve) => setImmediate(resolve))
    expect(errors).toEqual(['no network', 'denied'])
  })
})
