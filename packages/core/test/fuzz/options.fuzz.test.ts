/**
 * Fuzzing `resolveOptions`: any user options and any environment either resolve or throw one clear
 * `INVALID_OPTIONS` error that names an option, and a secret given anywhere never appears in the message.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CORE_OPTION_NAMES, envVarFor, isLogsIngestionError, resolveOptions } from '../../src/index.ts'
import { fuzz } from './budget.ts'

const SECRET = 'S3cr3t~fuzz~9f8e7d6c5b4a'

/** Values of options that hold no secret (shown in errors on purpose, so the user sees what was wrong). */
const anyValue = fc.oneof(
  fc.anything({ maxDepth: 2 }),
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.constantFrom('', ' ', 'true', '0', '-1', '1e309', 'NaN', '0x10', 'https://x', 'http://127.0.0.1:1'),
)

const valid = {
  endpoint: 'https://x.ingest.monitor.azure.com',
  ruleId: 'dcr-00000000000000000000000000000000',
  credential: { type: 'clientSecret', tenantId: 't', clientId: 'c', clientSecret: SECRET } as const,
}

const userOptions = fc
  .array(fc.tuple(fc.constantFrom(...CORE_OPTION_NAMES), anyValue), { maxLength: 6 })
  .map((entries) => Object.assign({ ...valid }, Object.fromEntries(entries)))

const env = fc
  .tuple(
    fc.dictionary(
      fc.oneof(fc.constantFrom(...CORE_OPTION_NAMES.map(envVarFor), 'NO_PROXY'), fc.string()),
      fc.string(),
      {
        maxKeys: 6,
      },
    ),
    // where the environment holds secrets: the client secret, and proxy URLs with a password (also malformed ones)
    fc.subarray([
      ['AZURE_CLIENT_SECRET', SECRET],
      ['HTTPS_PROXY', `http://user:${SECRET}@proxy.internal:3128`],
      ['DCR_LOGS_PROXY', `http://user:${SECRET}@[bad`],
      ['https_proxy', `ftp://user:${SECRET}@proxy.internal`],
    ] as const),
  )
  .map(([generic, secrets]) => ({ ...generic, ...Object.fromEntries(secrets) }))

/** The secret in other shapes: a credential config, a proxy URL's password, an endpoint's query. */
const secretPlacements = fc.constantFrom(
  {},
  { proxy: `http://user:${SECRET}@proxy.internal:3128` },
  { proxy: `http://user:${SECRET}@[bad` },
  { endpoint: `https://user:${SECRET}@x.ingest.monitor.azure.com` },
  { endpoint: `https://x.ingest.monitor.azure.com/?sig=${SECRET}` },
  { credential: SECRET },
  { credential: { type: 'clientSecret', tenantId: 't', clientId: '', clientSecret: SECRET } },
  { credential: { type: 'clientCertificate', tenantId: 't', clientId: 'c', certificate: SECRET } },
  { ca: `-----BEGIN PRIVATE KEY-----${SECRET}` },
)

describe('fuzz: option parsing', () => {
  it('resolves, or throws INVALID_OPTIONS naming an option, never leaking the secret', () => {
    fc.assert(
      fc.property(userOptions, env, secretPlacements, (user, environment, placed) => {
        try {
          resolveOptions({ ...user, ...placed } as never, environment)
        } catch (error) {
          expect(isLogsIngestionError(error) && error.code).toBe('INVALID_OPTIONS')
          const message = (error as Error).message
          expect(message).toMatch(/^Invalid option "[\w.]+/)
          expect(message).not.toContain(SECRET)
        }
      }),
      fuzz(1_000),
    )
  })

  it('never hangs or throws a non-library error on non-object options', () => {
    fc.assert(
      fc.property(fc.anything(), (user) => {
        try {
          resolveOptions(user as never, {})
        } catch (error) {
          expect(isLogsIngestionError(error)).toBe(true)
        }
      }),
      fuzz(300),
    )
  })
})
