#!/usr/bin/env node
/**
 * Packs every publishable package of the workspace (each package.json without "private": true) into one
 * directory, exactly as it would be published: `pnpm pack` replaces the `workspace:` and `catalog:` versions.
 * Until the packages are on npm, install the tarballs (README.md, "Install").
 *
 * Usage: node scripts/pack-packages.mjs [out-dir]    (default: <os temp dir>/dcr-logs-packs; run `pnpm build` first)
 * Prints one tarball path per line on stdout.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const out = resolve(process.argv[2] ?? join(tmpdir(), 'dcr-logs-packs'))
mkdirSync(out, { recursive: true })

const dirs = [...readdirSync(join(root, 'packages')).map((d) => join(root, 'packages', d)), join(root, 'test-harness')]
for (const dir of dirs) {
  const manifest = join(dir, 'package.json')
  if (!existsSync(manifest)) continue
  const pkg = JSON.parse(readFileSync(manifest, 'utf8'))
  if (pkg.private === true) continue
  if (!existsSync(join(dir, 'dist'))) {
    console.error(`${pkg.name} has no dist/: run "pnpm build" first`)
    process.exit(1)
  }
  execFileSync('pnpm', ['pack', '--pack-destination', out], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] })
  const tarball = join(out, `${pkg.name.replace(/^@/, '').replace('/', '-')}-${pkg.version}.tgz`)
  if (!existsSync(tarball)) {
    console.error(`pnpm pack did not write ${tarball}`)
    process.exit(1)
  }
  console.log(tarball)
}
