/**
 * Vitest `globalSetup`: one CA per test run, trusted by every worker. `@azure/identity` only trusts the emulator if
 * its CA is in `NODE_EXTRA_CA_CERTS` when the process starts, so this runs before Vitest forks its workers and sets
 * the variables they inherit. Usage: `test: { globalSetup: ['@dcr-logs/test-harness/vitest-global-setup'] }`.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadOrCreateCertificateAuthority } from './ca-store.ts'
import { CA_DIR_ENV } from './options.ts'

/** Creates (or reuses, from `DCR_LOGS_EMULATOR_CA_DIR`) the run's CA; returns the teardown. */
export default async function setup(): Promise<() => Promise<void>> {
  const given = process.env[CA_DIR_ENV]
  const dir = given !== undefined && given !== '' ? given : await mkdtemp(join(tmpdir(), 'dcr-logs-ca-'))
  const ca = await loadOrCreateCertificateAuthority(dir)
  const previous = { caDir: process.env[CA_DIR_ENV], extra: process.env['NODE_EXTRA_CA_CERTS'] }
  let trustFile = ca.certificateFile!
  const extra = previous.extra
  if (extra !== undefined && extra !== '' && extra !== trustFile) {
    // Keep the CAs the user already trusts (a corporate proxy, say): Node reads one file only.
    const theirs = await readFile(extra, 'utf8').catch(() => '')
    if (!theirs.includes(ca.certificate.trim())) {
      trustFile = join(dir, 'trusted-bundle.pem')
      await writeFile(trustFile, `${theirs.trim()}\n${ca.certificate}\n`)
    }
  }
  process.env[CA_DIR_ENV] = dir
  process.env['NODE_EXTRA_CA_CERTS'] = trustFile
  return async () => {
    if (given === undefined || given === '') await rm(dir, { recursive: true, force: true })
    restore(CA_DIR_ENV, previous.caDir)
    restore('NODE_EXTRA_CA_CERTS', previous.extra)
  }
}

const restore = (name: string, value: string | undefined): void => {
  if (value === undefined) delete process.env[name]
  else process.env[name] = value
}
