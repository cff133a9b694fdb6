/**
 * The packages as users get them: packed as they would be published, installed with npm into a project outside
 * the workspace (so nothing resolves to the workspace's own files), and used: the winston example ships to the
 * emulator, and `npx dcr-logs` runs.
 */
import { execFile } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { type AppLogsRow, DEFAULT_TABLE, type Emulator, startEmulator } from '@dcr-logs/test-harness'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const exec = promisify(execFile)
const REPO = fileURLToPath(new URL('../../..', import.meta.url))
const require = createRequire(import.meta.url)
/** The versions the workspace tests with, so the scratch project installs the same. */
const version = (name: string): string => (require(`${name}/package.json`) as { version: string }).version

/** The environment without the workspace's DCR_LOGS_* / AZURE_* and npm's per-project settings. */
const cleanEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(DCR_LOGS_|AZURE_|npm_config_|npm_package_)/i.test(k)),
  )

let emulator: Emulator
let scratch: string
let tarballs: string[]

beforeAll(async () => {
  emulator = await startEmulator()
  scratch = mkdtempSync(join(tmpdir(), 'dcr-logs-install-'))
  const packs = join(scratch, 'packs')
  const packed = await exec(process.execPath, [join(REPO, 'scripts/pack-packages.mjs'), packs], { cwd: REPO })
  tarballs = packed.stdout.trim().split('\n')
  const app = join(scratch, 'app')
  await exec('mkdir', ['-p', app])
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'scratch-app', private: true, type: 'module' }))
  const tarball = (name: string) => tarballs.find((t) => basename(t).startsWith(`dcr-logs-${name}-0`))!
  const npm = (...args: string[]) =>
    exec('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...args], {
      cwd: app,
      env: cleanEnv(),
      timeout: 120_000,
    })
  // the two commands of the README's "Install" section
  await npm(
    tarball('core'),
    tarball('winston'),
    `@azure/identity@${version('@azure/identity')}`,
    `winston@${version('winston')}`,
  )
  await npm('-D', tarball('cli'), tarball('test-harness'))
}, 180_000)

afterAll(async () => {
  await emulator?.close()
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true })
})

describe('the published packages', () => {
  it('each tarball holds its build, README and LICENSE, with real dependency versions', async () => {
    expect(tarballs.map((t) => basename(t)).sort()).toEqual([
      'dcr-logs-cli-0.0.0.tgz',
      'dcr-logs-core-0.0.0.tgz',
      'dcr-logs-opentelemetry-0.0.0.tgz',
      'dcr-logs-pino-0.0.0.tgz',
      'dcr-logs-test-harness-0.0.0.tgz',
      'dcr-logs-winston-0.0.0.tgz',
    ])
    for (const tarball of tarballs) {
      const { stdout } = await exec('tar', ['tzf', tarball])
      const files = stdout.split('\n')
      expect(files, tarball).toContain('package/README.md')
      expect(files, tarball).toContain('package/LICENSE')
      expect(
        files.some((f) => f.startsWith('package/dist/')),
        tarball,
      ).toBe(true)
      expect(
        files.some((f) => f.startsWith('package/src/') || f.startsWith('package/test/')),
        tarball,
      ).toBe(false)
      const manifest = (await exec('tar', ['xzf', tarball, '-O', 'package/package.json'])).stdout
      expect(manifest, tarball).not.toMatch(/"(workspace|catalog):/)
    }
  })

  it('npm installs them outside the workspace, and the winston example ships its records', async () => {
    const app = join(scratch, 'app')
    copyFileSync(join(REPO, 'examples/winston/app.mjs'), join(app, 'app.mjs'))
    const resolved = (
      await exec(process.execPath, ['-p', "require.resolve('@dcr-logs/winston')"], { cwd: app })
    ).stdout.trim()
    expect(resolved.startsWith(join(app, 'node_modules'))).toBe(true)
    const { stdout } = await exec(process.execPath, ['app.mjs'], {
      cwd: app,
      env: { ...cleanEnv(), ...emulator.env },
      timeout: 30_000,
    })
    expect(stdout).toContain('shipped 5 of 5 record(s), 0 dropped')
    const rows = emulator.rows<AppLogsRow>(DEFAULT_TABLE)
    expect(rows.map((r) => r.Body)).toEqual([
      'checkout service started',
      'cart loaded: 3 item(s)',
      'order placed',
      'payment provider slow',
      'payment failed',
    ])
    expect(rows.every((r) => r.ScopeName === 'winston' && r.ServiceName === 'checkout')).toBe(true)
  })

  it('npx runs the installed dcr-logs: init writes the files, validate checks them', async () => {
    const app = join(scratch, 'app')
    const env = cleanEnv()
    expect((await exec('npx', ['--no-install', 'dcr-logs', '--version'], { cwd: app, env })).stdout).toBe(
      `${JSON.parse(readFileSync(join(REPO, 'packages/cli/package.json'), 'utf8')).version}\n`,
    )
    const init = await exec('npx', ['--no-install', 'dcr-logs', 'init', '--out', 'azure'], { cwd: app, env })
    expect(init.stdout).toContain('AppLogs_CL (custom table) ← stream Custom-AppLogs')
    const validate = await exec(
      'npx',
      ['--no-install', 'dcr-logs', 'validate', '--dcr', 'azure/app-logs.azuredeploy.json'],
      { cwd: app, env },
    )
    expect(validate.stdout).toContain('No problems found.')
  })
})
