/**
 * `pnpm chaos` (long mode: 1,000,000 records per adapter, a 2-minute outage, minutes) or `pnpm chaos --short` (what
 * the test suite runs). Prints the report; the long mode also writes it to chaos/RESULTS.md. Exits 1 when any
 * record was lost.
 */
import { writeFileSync } from 'node:fs'
import { CHAOS_LONG, CHAOS_SHORT, runChaos } from './chaos-run.ts'
import { KILL_LONG, KILL_SHORT, runKillLoop } from './kill-loop.ts'
import { chaosReport } from './report.ts'

const short = process.argv.includes('--short')
const settings = short ? CHAOS_SHORT : CHAOS_LONG
const killSettings = short ? KILL_SHORT : KILL_LONG
const log = (line: string): void => {
  process.stderr.write(`${line}\n`)
}

const results = await runChaos(settings, log)
const kill = await runKillLoop(killSettings, log)
const report = chaosReport(settings, results, killSettings, kill)
process.stdout.write(`${report}\n`)
if (!short) {
  const file = new URL('../RESULTS.md', import.meta.url)
  writeFileSync(
    file,
    `# Chaos results\n\nWritten by \`pnpm chaos\` (long mode) on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${(await import('node:os')).availableParallelism()} cores.\n\n${report}\n`,
  )
}
const lost = results.reduce((a, r) => a + r.lost, 0) + kill.lost
if (lost > 0) {
  log(`${lost} record(s) lost`)
  process.exitCode = 1
}
