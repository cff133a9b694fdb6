/**
 * `pnpm bench [--quick] [--out DIR] [--only 1,2,…] [--reps N] [--records N] [--profile DIR]`: starts the emulators (throttling off), runs the
 * scenarios, and writes results.json + RESULTS.md (quick mode: results-quick.json + RESULTS-quick.md).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { startEmulator } from '@dcr-logs/test-harness'
import { type BenchConfig, FULL, QUICK } from './config.ts'
import { renderMarkdown } from './report.ts'
import type { BenchResults } from './results.ts'
import { setProfileDir } from './runner.ts'
import type { Context } from './scenario-kit.ts'
import { latencyScenario, otelScenario, outageScenario, pinoScenario, winstonScenario } from './scenarios.ts'
import { throughput } from './throughput.ts'

const USAGE = `Usage: pnpm bench [--quick] [--out DIR] [--only 1,2,3,4,5,6] [--reps N]
  --quick   small counts, one repetition, under a minute; writes results-quick.json and RESULTS-quick.md
  --out     directory for the results (default: the benchmarks package)
  --only    scenarios to run (1, 7 and 8 run together)
  --reps    repetitions per scenario (default: 3 full, 1 quick)
  --records records of scenarios 1, 7 and 8 (default: 300,000 full, 30,000 quick)
  --profile DIR  write a V8 CPU profile of every child process to DIR
  --render FILE  only rewrite the Markdown next to FILE (a results JSON) from it`

/**
 * Writes the report, keeping the sections other commands own (between `<!-- name:start … -->` and
 * `<!-- name:end -->`, such as the fleet simulation's): a benchmark run must not erase their results.
 */
const writeMarkdown = async (file: string, rendered: string): Promise<void> => {
  const previous = await readFile(file, 'utf8').catch(() => '')
  const kept = previous.match(/<!-- [\w-]+:start[^>]*-->[\s\S]*?<!-- [\w-]+:end -->/g) ?? []
  await writeFile(file, kept.length === 0 ? rendered : `${rendered.trimEnd()}\n\n${kept.join('\n\n')}\n`)
}

const main = async (): Promise<void> => {
  let args: ReturnType<typeof parse>
  try {
    args = parse()
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}\n`)
    process.exit(2)
  }
  if (args.values.help === true) {
    process.stdout.write(`${USAGE}\n`)
    return
  }
  if (args.values.render !== undefined) {
    // re-render the Markdown from a results file (after editing the report, without measuring again)
    const file = args.values.render
    const results = JSON.parse(await readFile(file, 'utf8')) as BenchResults
    const md = join(dirname(file), results.mode === 'quick' ? 'RESULTS-quick.md' : 'RESULTS.md')
    await writeMarkdown(md, renderMarkdown(results))
    process.stdout.write(`${md}\n`)
    return
  }
  const quick = args.values.quick === true
  const config: BenchConfig = structuredClone(quick ? QUICK : FULL)
  if (args.values.reps !== undefined) {
    const reps = Number(args.values.reps)
    if (!Number.isInteger(reps) || reps < 1)
      throw new Error(`--reps must be a positive integer (got ${args.values.reps})`)
    config.repetitions = reps
    config.outageRepetitions = Math.min(config.outageRepetitions, reps)
  }
  if (args.values.records !== undefined) {
    const n = Number(args.values.records)
    if (!Number.isInteger(n) || n < 1000)
      throw new Error(`--records must be an integer ≥ 1000 (got ${args.values.records})`)
    config.throughputRecords = n
  }
  setProfileDir(args.values.profile)
  const only = new Set((args.values.only ?? '1,2,3,4,5,6').split(',').map((s) => s.trim()))
  const outDir = args.values.out ?? fileURLToPath(new URL('..', import.meta.url))
  const started = Date.now()
  const log = (line: string) => process.stdout.write(`${line}\n`)
  log(`dcr-logs benchmarks (${config.mode} mode, ${config.repetitions} repetition(s)), Node ${process.version}`)

  const counting = await startEmulator({ throttle: false, retainRows: false })
  // sub-millisecond clock: latencies are measured against the time the emulator stored the rows
  const retaining = await startEmulator({ throttle: false, now: () => performance.timeOrigin + performance.now() })
  // scenario 1 measures the client: this one checks each request's framing and discards the records
  const discarding = await startEmulator({ throttle: false, discardRecords: true })
  const ctx: Context = {
    config,
    counting,
    retaining,
    discarding,
    metrics: [],
    targets: [],
    accounting: [],
    runs: {},
    log,
  }
  const machine = {
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: os.totalmem() / 1024 ** 3,
    loadAverageAtStart: os.loadavg(),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
  }
  try {
    const steps: [string, string, (c: Context) => Promise<void>][] = [
      ['1', '1 + 7 + 8: core vs @azure/monitor-ingestion, the two-core limit, compression levels', throughput],
      ['2', '2: pino', pinoScenario],
      ['3', '3: winston', winstonScenario],
      ['4', '4: OpenTelemetry', otelScenario],
      ['5', '5: outage', outageScenario],
      ['6', '6: latency', latencyScenario],
    ]
    for (const [id, title, run] of steps) {
      if (!only.has(id) && !(id === '1' && (only.has('7') || only.has('8')))) continue
      log(`scenario ${title}`)
      await run(ctx)
    }
  } finally {
    await Promise.all([counting.close(), retaining.close(), discarding.close()])
  }

  const results: BenchResults = {
    mode: config.mode,
    startedAt: new Date(started).toISOString(),
    durationSeconds: (Date.now() - started) / 1000,
    machine,
    repetitions: config.repetitions,
    config,
    metrics: ctx.metrics,
    targets: ctx.targets,
    accounting: ctx.accounting,
    runs: ctx.runs,
  }
  await mkdir(outDir, { recursive: true })
  const base = quick ? 'results-quick' : 'results'
  const md = quick ? 'RESULTS-quick.md' : 'RESULTS.md'
  await writeFile(join(outDir, `${base}.json`), `${JSON.stringify(results, null, 2)}\n`)
  await writeMarkdown(join(outDir, md), renderMarkdown(results))
  const failed = ctx.accounting.filter((a) => !a.ok)
  log(`done in ${results.durationSeconds.toFixed(0)} s: ${join(outDir, md)}`)
  for (const t of ctx.targets) log(`  target ${t.met ? 'met   ' : 'MISSED'} ${t.target}: ${t.measured}`)
  if (failed.length > 0) {
    for (const a of failed) process.stderr.write(`accounting FAILED: ${a.scenario}: ${a.detail}\n`)
    process.exitCode = 1
  }
}

const parse = () =>
  parseArgs({
    options: {
      quick: { type: 'boolean' },
      out: { type: 'string' },
      only: { type: 'string' },
      reps: { type: 'string' },
      records: { type: 'string' },
      profile: { type: 'string' },
      render: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  })

main().catch((e: unknown) => {
  process.stderr.write(`benchmark failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
  process.exit(1)
})
