/**
 * Runs `pnpm bench --quick` end to end so the benchmarks cannot rot: every scenario must complete and account for
 * every record. Figures are not asserted (they depend on the machine); only completeness and accounting.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BenchResults } from '../src/results.ts'

const RUN = fileURLToPath(new URL('../dist/run.mjs', import.meta.url))
let dir: string
let results: BenchResults
let markdown: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dcr-logs-bench-'))
  // without the test run's CA directory: the runner's emulators make their own CA, as under `pnpm bench`
  const env = { ...process.env }
  delete env['DCR_LOGS_EMULATOR_CA_DIR']
  await promisify(execFile)(process.execPath, [RUN, '--quick', '--out', dir], { env, timeout: 170_000 })
  results = JSON.parse(await readFile(join(dir, 'results-quick.json'), 'utf8')) as BenchResults
  markdown = await readFile(join(dir, 'RESULTS-quick.md'), 'utf8')
}, 180_000)

afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

describe('pnpm bench --quick', () => {
  it('runs all eight scenarios', () => {
    expect(results.mode).toBe('quick')
    const scenarios = new Set(results.metrics.map((m) => m.scenario.split(' ')[0]))
    expect([...scenarios].sort()).toEqual(['1', '2', '3', '4', '5', '6', '7', '8'])
    for (const m of results.metrics) expect(m.ours.runs.length, m.metric).toBe(1)
  })

  it('accounts for every record in every run: delivered (rows landed) + reported dropped = records in', () => {
    const failed = results.accounting.filter((a) => !a.ok)
    expect(failed).toEqual([])
    const covered = new Set(results.accounting.map((a) => a.scenario.split(' ')[0]))
    for (const s of ['1', '2', '3', '4', '5', '6']) expect(covered, `scenario ${s}`).toContain(s)
  })

  it('counts the outage drops exactly and lands only what was delivered', () => {
    const [run] = results.runs['outage'] as {
      calls: number
      core: { accepted: number; delivered: number; dropped: number }
      extra: Record<string, number>
    }[]
    expect(run!.core.dropped).toBeGreaterThan(0) // the quick outage overflows its 4 MiB buffer on purpose
    expect(run!.core.accepted + run!.extra['refused']!).toBe(run!.calls)
    expect(run!.core.delivered + run!.core.dropped).toBe(run!.core.accepted)
  })

  it('reports every target as met or missed, and writes the machine and the table', () => {
    expect(results.targets.length).toBeGreaterThanOrEqual(9)
    for (const t of results.targets) expect(typeof t.met).toBe('boolean')
    expect(results.machine.cores).toBeGreaterThan(0)
    expect(markdown).toContain('| scenario | metric | dcr-logs | baseline | ratio |')
    expect(markdown).toContain(results.machine.node)
  })
})
