/**
 * What npm users install: each published package packed by pnpm (as `changeset publish` does), its manifest read
 * back from the tarball. In the repository the exports carry a `dcr-logs-source` condition pointing at `src/`, so
 * tests and type checks across packages run without a build; `src/` is not published, so `publishConfig.exports`
 * (which pnpm puts in place of `exports` when packing) leaves that condition out. Packing with plain `npm publish`
 * would not apply it: publish with pnpm.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../../../', import.meta.url))
const PUBLISHED = ['packages/core', 'packages/winston', 'packages/pino', 'packages/opentelemetry', 'test-harness']
const SOURCE_CONDITION = 'dcr-logs-source'

let out: string
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'dcr-logs-pack-'))
})
afterAll(async () => {
  if (out) await rm(out, { recursive: true, force: true })
})

/** Every file path a manifest points at: exports targets, main, module, types, bin. */
const targets = (manifest: Record<string, unknown>): string[] => {
  const found: string[] = []
  const walk = (value: unknown): void => {
    if (typeof value === 'string') found.push(value)
    else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) walk(v)
  }
  for (const key of ['exports', 'main', 'module', 'types', 'bin']) walk(manifest[key])
  return found.map((p) => p.replace(/^\.\//, ''))
}

const withoutSource = (value: unknown): unknown => {
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== SOURCE_CONDITION)
      .map(([key, v]) => [key, withoutSource(v)]),
  )
}

describe.each(PUBLISHED)('the published manifest of %s', (dir) => {
  it('points only at files the tarball holds, and names no development condition', async () => {
    const cwd = join(root, dir)
    const { stdout } = await run('pnpm', ['pack', '--json', '--pack-destination', out], { cwd })
    const packed = JSON.parse(stdout) as { filename: string; files: { path: string }[] }
    const files = new Set(packed.files.map((f) => f.path))
    await run('tar', ['-xzf', packed.filename, '-C', out, 'package/package.json'])
    const manifest = JSON.parse(await readFile(join(out, 'package', 'package.json'), 'utf8')) as Record<string, unknown>
    await rm(join(out, 'package'), { recursive: true, force: true })

    expect(JSON.stringify(manifest['exports'])).not.toContain(SOURCE_CONDITION)
    for (const target of targets(manifest)) expect(files.has(target), `${dir}: ${target}`).toBe(true)
    // and it is the repository's exports, condition aside: the two cannot drift apart
    const repository = JSON.parse(await readFile(join(cwd, 'package.json'), 'utf8')) as Record<string, unknown>
    expect(manifest['exports']).toEqual(withoutSource(repository['exports']))
  })
})
