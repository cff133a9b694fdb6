import { describe, expect, it } from 'vitest'
import { credentialFromEnv } from '../src/credential-options.ts'
import { DEFAULTS, envVarFor, isLogsIngestionError, resolveOptions } from '../src/index.ts'
import { isNoProxy } from '../src/option-values.ts'

const base = {
  endpoint: 'https://my-dcr-a1b2.eastus-1.ingest.monitor.azure.com',
  ruleId: 'dcr-00000000000000000000000000000000',
  credential: { getToken: async () => ({ token: 't', expiresOnTimestamp: Date.now() + 3600_000 }) },
}

const errorOf = (fn: () => unknown): Error => {
  try {
    fn()
  } catch (error) {
    return error as Error
  }
  throw new Error('expected a throw')
}

describe('resolveOptions', () => {
  it('applies DEFAULTS', () => {
    const o = resolveOptions(base, {})
    expect(o.streamName).toBe('Custom-AppLogs')
    expect(o.maxRequestBytes).toBe(DEFAULTS.maxRequestBytes)
    expect(o.lingerMs).toBe(DEFAULTS.lingerMs)
    expect(o.overflow).toBe('drop-oldest')
    expect(o.scope).toBe('https://monitor.azure.com/.default')
    expect(o.maxTimeSpanMs).toBe(0)
    expect(o.warnings).toEqual([])
  })

  it('reads DCR_LOGS_* when options are absent, options win over env', () => {
    const env = {
      DCR_LOGS_ENDPOINT: 'https://x.westeurope-1.ingest.monitor.azure.com/',
      DCR_LOGS_RULE_ID: 'dcr-11111111111111111111111111111111',
      DCR_LOGS_STREAM_NAME: 'Custom-Other',
      DCR_LOGS_LINGER_MS: '250',
      DCR_LOGS_OVERFLOW: 'wait',
    }
    const o = resolveOptions({ credential: base.credential }, env)
    expect(o.endpoint.href).toBe('https://x.westeurope-1.ingest.monitor.azure.com/')
    expect(o.ruleId).toBe('dcr-11111111111111111111111111111111')
    expect(o.streamName).toBe('Custom-Other')
    expect(o.lingerMs).toBe(250)
    expect(o.overflow).toBe('wait')
    expect(resolveOptions({ ...base, lingerMs: 5 }, env).lingerMs).toBe(5)
    expect(envVarFor('maxBufferBytes')).toBe('DCR_LOGS_MAX_BUFFER_BYTES')
  })

  it('fails fast naming the option, the value and what is valid', () => {
    const e = errorOf(() => resolveOptions({ ...base, endpoint: 'ftp://x' }, {}))
    expect(isLogsIngestionError(e)).toBe(true)
    expect(e).toMatchObject({ code: 'INVALID_OPTIONS' })
    expect(e.message).toMatch(/"endpoint".*https URL.*got "ftp:\/\/x"/)
    expect(errorOf(() => resolveOptions({ ruleId: base.ruleId, credential: base.credential }, {})).message).toMatch(
      /DCR_LOGS_ENDPOINT/,
    )
    expect(errorOf(() => resolveOptions({ ...base, streamName: 'AppLogs' }, {})).message).toMatch(
      /"streamName".*Custom-/,
    )
    expect(errorOf(() => resolveOptions({ ...base, lingerMs: -1 }, {})).message).toMatch(
      /"lingerMs": expected an integer from 0/,
    )
    expect(errorOf(() => resolveOptions(base, { DCR_LOGS_CONCURRENCY: 'lots' })).message).toMatch(
      /DCR_LOGS_CONCURRENCY.*got "lots"/,
    )
    expect(errorOf(() => resolveOptions({ ...base, overflow: 'block' as never }, {})).message).toMatch(/drop-oldest/)
    expect(errorOf(() => resolveOptions({ ...base, ruleId: '' }, {})).message).toMatch(/"ruleId".*dcr-/)
  })

  it('redacts secrets in credential errors', () => {
    const e = errorOf(() =>
      resolveOptions(
        { ...base, credential: { type: 'clientSecret', tenantId: 't', clientId: '', clientSecret: 'hunter2' } },
        {},
      ),
    )
    expect(e.message).toMatch(/"clientId"/)
    expect(e.message).not.toContain('hunter2')
    expect(e.message).toContain('<redacted>')
  })

  it('redacts credentials and query strings of a refused endpoint', () => {
    const e = errorOf(() => resolveOptions({ ...base, endpoint: 'https://me:hunter2@x.ingest.monitor.azure.com' }, {}))
    expect(e.message).toMatch(/"endpoint".*without query, fragment or credentials.*got "https:\/\/<redacted>@x\./)
    expect(e.message).not.toContain('hunter2')
    const q = errorOf(() =>
      resolveOptions({ ...base, endpoint: 'https://x.ingest.monitor.azure.com/?sig=hunter2' }, {}),
    )
    expect(q.message).toContain('?<redacted>')
    expect(q.message).not.toContain('hunter2')
  })

  it('never shows a string credential or a private key passed as ca', () => {
    const e = errorOf(() => resolveOptions({ ...base, credential: 'hunter2-secret' as never }, {}))
    expect(e.message).toMatch(/"credential": expected a TokenCredential.*\(got a string, not shown\)/)
    expect(e.message).not.toContain('hunter2')
    const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvhunter2\n-----END PRIVATE KEY-----'
    const ca = errorOf(() => resolveOptions({ ...base, ca: pem }, {}))
    expect(ca.message).toMatch(/"ca".*got a private key, not shown/)
    expect(ca.message).not.toContain('hunter2')
  })

  it('warns, but accepts, a ruleId of an unusual shape', () => {
    const o = resolveOptions({ ...base, ruleId: 'dcr-custom' }, {})
    expect(o.ruleId).toBe('dcr-custom')
    expect(o.warnings[0]).toMatch(/not shaped like/)
  })

  it('refuses plain http except on loopback with allowInsecureHttp', () => {
    expect(() => resolveOptions({ ...base, endpoint: 'http://127.0.0.1:8080' }, {})).toThrow(/allowInsecureHttp/)
    expect(() => resolveOptions({ ...base, endpoint: 'http://example.com', allowInsecureHttp: true }, {})).toThrow(
      /loopback/,
    )
    expect(
      resolveOptions({ ...base, endpoint: 'http://127.0.0.1:8080', allowInsecureHttp: true }, {}).endpoint.port,
    ).toBe('8080')
  })

  it('infers the audience from sovereign endpoints, and lets audience/scope override', () => {
    expect(resolveOptions({ ...base, endpoint: 'https://x.usgovvirginia-1.ingest.monitor.azure.us' }, {}).scope).toBe(
      'https://monitor.azure.us/.default',
    )
    expect(resolveOptions({ ...base, endpoint: 'https://x.chinaeast2-1.ingest.monitor.azure.cn' }, {}).scope).toBe(
      'https://monitor.azure.cn/.default',
    )
    expect(resolveOptions({ ...base, cloud: 'usgov' }, {}).audience).toBe('https://monitor.azure.us')
    expect(resolveOptions({ ...base, audience: 'https://monitor.azure.cn/' }, {}).scope).toBe(
      'https://monitor.azure.cn/.default',
    )
    expect(resolveOptions({ ...base, scope: 'https://monitor.azure.com//.default' }, {}).scope).toBe(
      'https://monitor.azure.com//.default',
    )
    expect(() => resolveOptions({ ...base, audience: 'https://api.loganalytics.azure.cn/.default' }, {})).toThrow(
      /without "\/.default"/,
    )
  })

  it('chooses a credential from AZURE_* variables when none is given', () => {
    const env = {
      AZURE_TENANT_ID: 't',
      AZURE_CLIENT_ID: 'c',
      AZURE_CLIENT_SECRET: 's',
      AZURE_AUTHORITY_HOST: 'https://127.0.0.1:4443',
    }
    expect(resolveOptions({ endpoint: base.endpoint, ruleId: base.ruleId }, env).credential).toEqual({
      type: 'clientSecret',
      tenantId: 't',
      clientId: 'c',
      clientSecret: 's',
      authorityHost: 'https://127.0.0.1:4443',
    })
    expect(
      credentialFromEnv({ AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c', AZURE_CLIENT_CERTIFICATE_PATH: '/c.pem' }),
    ).toMatchObject({
      type: 'clientCertificate',
      certificatePath: '/c.pem',
    })
    expect(credentialFromEnv({ AZURE_CLIENT_ID: 'c', AZURE_FEDERATED_TOKEN_FILE: '/f' })).toMatchObject({
      type: 'workloadIdentity',
    })
    expect(credentialFromEnv({ AZURE_CLIENT_ID: 'c' })).toEqual({ type: 'default', managedIdentityClientId: 'c' })
    expect(credentialFromEnv({})).toEqual({ type: 'default' })
  })

  it('uses HTTPS_PROXY unless NO_PROXY matches; an explicit proxy option wins', () => {
    const env = { HTTPS_PROXY: 'http://proxy.internal:3128' }
    expect(resolveOptions(base, env).proxy?.host).toBe('proxy.internal:3128')
    expect(resolveOptions(base, { ...env, NO_PROXY: '.monitor.azure.com' }).proxy).toBeUndefined()
    expect(resolveOptions({ ...base, proxy: false }, env).proxy).toBeUndefined()
    expect(resolveOptions({ ...base, proxy: 'http://p:1' }, { NO_PROXY: '*' }).proxy?.host).toBe('p:1')
    const e = errorOf(() => resolveOptions({ ...base, proxy: 'socks5://me:hunter2@p:1' }, {}))
    expect(e.message).toMatch(/"proxy"/)
    expect(e.message).not.toContain('hunter2')
  })

  it('honours DCR_LOGS_DISABLE_INSTANCE_DISCOVERY', () => {
    expect(resolveOptions(base, { DCR_LOGS_DISABLE_INSTANCE_DISCOVERY: 'true' }).disableInstanceDiscovery).toBe(true)
    expect(resolveOptions(base, {}).disableInstanceDiscovery).toBeUndefined()
    expect(() => resolveOptions(base, { DCR_LOGS_DISABLE_INSTANCE_DISCOVERY: 'maybe' })).toThrow(/true or false/)
  })
})

describe('isNoProxy', () => {
  const url = new URL('https://a.eastus-1.ingest.monitor.azure.com')
  it.each([
    ['*', true],
    ['ingest.monitor.azure.com', true],
    ['.azure.com', true],
    ['*.azure.com', true],
    ['a.eastus-1.ingest.monitor.azure.com:443', true],
    ['a.eastus-1.ingest.monitor.azure.com:8443', false],
    ['example.com, other', false],
    ['', false],
  ])('%s → %s', (noProxy, expected) => {
    expect(isNoProxy(url, noProxy)).toBe(expected)
  })
})

describe('README options table', () => {
  it('states every default and env var as DEFAULTS and envVarFor do', async () => {
    const { readFileSync } = await import('node:fs')
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
    const rows = new Map<string, string[]>()
    for (const line of readme.split('\n')) {
      const m = /^\|\s*`(\w+)`\s*\|(.*)\|$/.exec(line)
      if (m)
        rows.set(
          m[1]!,
          m[2]!.split(/(?<!\\)\|/).map((c) => c.trim()),
        )
    }
    // exactly the options of LogsIngestionClientOptions have a row
    const source = readFileSync(new URL('../src/options.ts', import.meta.url), 'utf8')
    const block = /export interface LogsIngestionClientOptions \{([\s\S]*?)\n\}/.exec(source)![1]!
    const declared = [...block.matchAll(/^ {2}(\w+)\?:/gm)].map((m) => m[1]!)
    const table = readme.slice(readme.indexOf('## Options'), readme.indexOf('**Credentials.**'))
    const documented = [...table.matchAll(/^\|\s*`(\w+)`\s*\|/gm)].map((m) => m[1]!)
    expect(documented.sort()).toEqual(declared.sort())
    for (const [key, value] of Object.entries(DEFAULTS)) {
      const row = rows.get(key)
      expect(row, `README row for ${key}`).toBeDefined()
      expect(row![1], `default of ${key}`).toContain(`\`${String(value)}\``)
      expect(row![2], `env var of ${key}`).toBe(`\`${envVarFor(key)}\``)
    }
  })
})
