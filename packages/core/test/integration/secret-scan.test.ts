/**
 * The secret scan (SECURITY.md): core's failure paths (a wrong client secret, from options and from AZURE_*; a
 * certificate's private key; 401 after a refresh; 403; a proxy with credentials that refuses them, is down, comes
 * from HTTPS_PROXY or is malformed; an endpoint with credentials and a signed query; a secret passed as the
 * credential; a key passed as `ca`) run in a real process with NODE_DEBUG=dcr-logs. Everything the library let out
 * — thrown errors, onDrop events (with causes), stats(), every diagnostics channel and the debug text — is scanned
 * for each secret and for anything shaped like an access token.
 */
import { execFile } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import { promisify } from 'node:util'
import { type Emulator, startEmulator } from '@dcr-logs/test-harness'
import { afterAll, beforeAll, expect, it } from 'vitest'

const run = promisify(execFile)
let emulator: Emulator
const secrets = {
  clientSecret: 'Emu~RealSecret~7c1d4f0a9b8e',
  wrongSecret: 'Wrong~Secret~3e5a6b7c8d9f',
  proxyPassword: 'Proxy~Pass~0a1b2c3d4e5f',
  privateKeyPem: generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
    type: 'pkcs8',
    format: 'pem',
  }) as string,
}

beforeAll(async () => {
  emulator = await startEmulator({ clientSecret: secrets.clientSecret, throttle: false })
})
afterAll(() => emulator.close())

it('no secret or token appears in errors, onDrop, stats, diagnostics channels or NODE_DEBUG output', async () => {
  const input = {
    endpoint: emulator.endpoint,
    ruleId: emulator.rules[0]!.ruleId,
    tenantId: emulator.tenantId,
    clientId: emulator.clientId,
    ca: emulator.caCertificate,
    ...secrets,
  }
  const { stdout, stderr } = await run(
    process.execPath,
    [new URL('./fixtures/secret-scenarios.mjs', import.meta.url).pathname],
    {
      env: {
        ...process.env,
        NODE_EXTRA_CA_CERTS: emulator.caFile,
        NODE_DEBUG: 'dcr-logs',
        SCAN_INPUT: JSON.stringify(input),
      },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 120_000,
    },
  )
  const emitted = `${stdout}\n${stderr}`
  // the scenarios really failed the way they should (a scan of nothing proves nothing)
  for (const expected of [
    /wrong-secret onDrop:[\s\S]*reason: 'auth-failed'/,
    /env-secret onDrop:[\s\S]*reason: 'auth-failed'/,
    /certificate (onDrop|thrown):/,
    /401 onDrop:[\s\S]*reason: 'unauthorized'/,
    /403 onDrop:[\s\S]*reason: 'forbidden'/,
    /proxy-407 onDrop:[\s\S]*ERR_PROXY_AUTH/,
    /proxy-down onDrop:[\s\S]*reason: 'retries-exhausted'/,
    /proxy-env onDrop:/,
    /bad-proxy-url thrown:[\s\S]*INVALID_OPTIONS/,
    /endpoint-with-secrets thrown:[\s\S]*INVALID_OPTIONS/,
    /secret-as-credential thrown:[\s\S]*INVALID_OPTIONS/,
    /key-as-ca thrown:[\s\S]*INVALID_OPTIONS/,
    /good stats:[\s\S]*delivered: 1/,
    /channel dcr-logs:request/,
    /channel dcr-logs:token/,
    /channel dcr-logs:warning/,
    /DCR-LOGS \d+: POST/,
  ])
    expect(emitted).toMatch(expected)
  for (const [name, secret] of Object.entries(secrets)) {
    const needle = name === 'privateKeyPem' ? secret.split('\n')[1]! : secret
    const at = emitted.indexOf(needle)
    expect(at, `${name} leaked: …${emitted.slice(Math.max(0, at - 600), at + 100)}…`).toBe(-1)
  }
  // an access token is a JWT: three base64url parts, the first one a JSON header ("eyJ")
  expect(emitted).not.toMatch(/eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]+/)
  expect(emitted).not.toMatch(/Bearer [\w-]{20,}/)
})
