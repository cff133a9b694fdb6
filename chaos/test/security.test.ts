/**
 * SECURITY.md's promises that are about the repository rather than one package: no code path turns TLS
 * verification off, and CI's dependency audit fails on high and critical advisories (and only then).
 */
import { execFile } from 'node:child_process'
import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const root = new URL('../../', import.meta.url).pathname
const run = promisify(execFile)

const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? sources(path) : /\.(ts|mts|cts|js|mjs)$/.test(name) ? [path] : []
  })

describe('TLS is never disabled', () => {
  it('no shipped source turns certificate verification off', () => {
    const shipped = [
      ...readdirSync(join(root, 'packages')).map((p) => join(root, 'packages', p, 'src')),
      join(root, 'test-harness', 'src'),
    ].flatMap(sources)
    expect(shipped.length).toBeGreaterThan(50)
    for (const file of shipped) {
      const text = readFileSync(file, 'utf8')
      expect(text, file).not.toMatch(/rejectUnauthorized\s*:\s*(false|0)/)
      expect(text, file).not.toMatch(/NODE_TLS_REJECT_UNAUTHORIZED/)
      expect(text, file).not.toMatch(/checkServerIdentity\s*:/)
    }
  })
})

describe('dependency audit in CI', () => {
  /** Runs .ci/audit with a stand-in `pnpm` that prints `output` and exits with `code`. */
  const audit = async (output: string, code: number) => {
    const bin = mkdtempSync(join(tmpdir(), 'fake-pnpm-'))
    writeFileSync(join(bin, 'pnpm'), `#!/usr/bin/env bash\necho "$*" >&2\ncat <<'OUT'\n${output}\nOUT\nexit ${code}\n`)
    chmodSync(join(bin, 'pnpm'), 0o755)
    try {
      const { stdout, stderr } = await run('bash', [join(root, '.ci', 'audit')], {
        env: { ...process.env, PATH: `${bin}:${process.env['PATH']}` },
      })
      return { code: 0, text: stdout + stderr }
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string }
      return { code: e.code, text: e.stdout + e.stderr }
    }
  }

  it('audits production dependencies at level high, and runs in CI', async () => {
    const clean = await audit('No known vulnerabilities found', 0)
    expect(clean.code).toBe(0)
    expect(clean.text).toContain('audit --prod --audit-level high')
    expect(readFileSync(join(root, '.ci', 'run'), 'utf8')).toMatch(/^bash \.ci\/audit/m)
  })

  it('fails on a high or critical advisory', async () => {
    const found = await audit(
      '│ high │ Prototype Pollution in some-package │\n1 vulnerabilities found\nSeverity: 1 high',
      1,
    )
    expect(found.code).toBe(1)
    expect(found.text).toMatch(/high or critical advisories/)
  })

  it('warns, without failing, when the advisory service cannot be reached', async () => {
    const down = await audit(' ERR_PNPM_AUDIT_BAD_RESPONSE  The audit endpoint responded with 405', 1)
    expect(down.code).toBe(0)
    expect(down.text).toMatch(/WARNING: the dependency audit could not run/)
  })
})
