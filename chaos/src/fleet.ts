/**
 * `pnpm fleet`: the fleet simulation's scenarios, one after the other; prints the table and writes it into its own
 * section of benchmarks/RESULTS.md (between the `fleet` markers, leaving the rest of the file as it is).
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { availableParallelism, loadavg } from 'node:os'
import { FLEET_SCENARIOS, type FleetResult, runFleet } from './fleet-run.ts'

const START = '<!-- fleet:start (written by `pnpm fleet`) -->'
const END = '<!-- fleet:end -->'

const pct = (x: number): string => `${(x * 100).toFixed(0)}%`
const mib = (b: number): string => `${Math.round(b / 2 ** 20)} MiB`

const render = (results: readonly FleetResult[]): string => {
  const first = results[0]!.settings
  const lines = [
    '## Fleet simulation',
    '',
    `${first.processes} client processes (core, default options but \`lingerMs: 100\`) share one DCR whose budget the emulator enforces`,
    `with 429 and Retry-After: the service's 12,000 requests and 2 GB per minute, with the window scaled down ${first.scale}×`,
    `(${12_000 / first.scale} requests and ${Math.round(2048 / first.scale)} MiB per ${60 / first.scale} s: the same rates, ${first.scale}× shorter windows) so that a run takes a minute.`,
    `Each process logs ${first.ratePerSec} records/s (for ${results.map((r) => r.settings.durationMs / 1000).join(' s and ')} s; the cut comes ${(results.find((r) => r.settings.halveAtMs)?.settings.halveAtMs ?? 0) / 1000} s after every process is logging):`,
    `at \`lingerMs\` 100 ms that wants about 10 requests/s per process, ${first.processes * 10}/s in all, more than the budget's ${12_000 / 60}/s, so the request`,
    'budget binds. "Budget used" counts the 204s of whole budget windows, from the first window in which the budget ran',
    'out (before it, the processes are still fetching their first tokens) to the end of logging, over the real time those',
    'windows span: the gaps between windows, while every process waits out its Retry-After, count against it. "Share" is',
    "each process's 204s over a fair 1/N of all 204s; delays run from logging a",
    'record to the 204 that carried it. The emulator (in the parent process) checks framing and budgets but does not parse',
    'records (`discardRecords`); loss is counted by each process (every record delivered or reported) and the 204s the',
    'emulator answered are matched against those the processes saw. Its requests/s, CPU per request and event-loop use',
    `show whether it kept up. Fixed concurrency (2 per process); ${availableParallelism()} cores shared by all processes and by whatever else`,
    `the machine ran (load average ${loadavg()[0]!.toFixed(0)} when the run ended).`,
    '',
    '| scenario | phase | budget used | 429s per window | share min / median / max | 429s (max per process) | p50 / p99 delay | RSS median / max | logged → delivered, dropped (204s: emulator / clients) | emulator req/s, CPU/req, busy |',
    '| --- | --- | --: | --: | --- | --- | --- | --- | --- | --- |',
  ]
  for (const r of results) {
    for (const [i, p] of r.phases.entries()) {
      const common =
        i === 0
          ? `${pct(r.share.min)} / ${pct(r.share.median)} / ${pct(r.share.max)} | ${r.throttled.toLocaleString('en-US')} (${r.throttledMaxPerProcess}) | ${(r.p50DelayMs / 1000).toFixed(1)} s / ${(r.p99DelayMs / 1000).toFixed(1)} s | ${mib(r.peakRssMedianBytes)} / ${mib(r.peakRssMaxBytes)} | ${r.logged.toLocaleString('en-US')} → ${r.delivered.toLocaleString('en-US')}, ${r.dropped} (${r.accepted.toLocaleString('en-US')} / ${r.clientAccepted.toLocaleString('en-US')}) | ${r.emulator.requestsPerSec.toFixed(0)}, ${r.emulator.cpuMicrosPerRequest.toFixed(0)} µs, ${pct(r.emulator.eventLoopBusy)}`
          : ' | | | | | '
      lines.push(
        `| ${i === 0 ? r.settings.name : ''} | ${p.label} | ${pct(p.acceptedPerSec / p.budgetPerSec)} (${p.acceptedPerSec.toFixed(0)}/${p.budgetPerSec.toFixed(0)} per s, ${p.windows} windows) | ${p.throttledPerWindow.toFixed(0)} | ${common} |`,
      )
    }
  }
  return lines.join('\n')
}

const log = (line: string): void => {
  process.stderr.write(`${line}\n`)
}
// `--processes N --seconds S` for a smaller trial run; the results file is written only by the full run
const arg = (name: string): number | undefined => {
  const i = process.argv.indexOf(name)
  return i < 0 ? undefined : Number(process.argv[i + 1])
}
const processes = arg('--processes')
const seconds = arg('--seconds')
const trial = processes !== undefined || seconds !== undefined
const scenarios = FLEET_SCENARIOS.map((s) => ({
  ...s,
  processes: processes ?? s.processes,
  durationMs: seconds === undefined ? s.durationMs : seconds * 1000,
  ...(s.halveAtMs !== undefined && seconds !== undefined ? { halveAtMs: (seconds * 1000) / 2.5 } : {}),
}))
const results: FleetResult[] = []
for (const scenario of scenarios) {
  log(`${scenario.name}: ${scenario.processes} processes for ${scenario.durationMs / 1000} s`)
  const result = await runFleet(scenario, log)
  results.push(result)
  log(JSON.stringify(result))
}
const section = render(results)
process.stdout.write(`${section}\n`)
if (!trial) {
  const file = new URL('../../benchmarks/RESULTS.md', import.meta.url)
  const text = readFileSync(file, 'utf8')
  const at = text.indexOf(START)
  const block = `${START}\n\n${section}\n\n${END}`
  const end = text.indexOf(END)
  writeFileSync(
    file,
    at < 0 ? `${text.trimEnd()}\n\n${block}\n` : `${text.slice(0, at)}${block}${text.slice(end + END.length)}`,
  )
}
const lost = results.reduce((a, r) => a + (r.logged - r.delivered - r.dropped), 0)
if (lost > 0 || results.some((r) => r.dropped > 0)) process.exitCode = 1
