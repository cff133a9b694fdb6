/** The chaos report as Markdown: one row per adapter, then the kill -9 loop. */
import type { ChaosResult, ChaosSettings } from './chaos-run.ts'
import type { KillLoopResult, KillLoopSettings } from './kill-loop.ts'

const n = (x: number): string => x.toLocaleString('en-US')
const reasons = (d: Record<string, number>): string =>
  Object.entries(d)
    .map(([r, c]) => `${r} ${n(c)}`)
    .join(', ') || '—'

/** Requests whose rows were stored before the connection was reset: the only source of duplicates. */
const storedThenReset = (r: ChaosResult): number =>
  Object.entries(r.requests.byFault)
    .filter(([label]) => label.endsWith('+stored'))
    .reduce((a, [, count]) => a + count, 0)

export const chaosReport = (
  settings: ChaosSettings,
  results: readonly ChaosResult[],
  killSettings: KillLoopSettings,
  kill: KillLoopResult,
): string => {
  const lines = [
    `Per adapter: ${n(settings.records)} records at ${n(settings.ratePerSec)}/s through the emulator with 429 (with and`,
    `without Retry-After), 500/503, resets before the body and after it (stored or not), 1.5 s latency spikes,`,
    `tokens expiring every ${settings.tokenLifetimeSeconds} s, and a ${settings.outageMs / 1000} s outage (503 and resets) ${settings.outageAtMs / 1000} s in. Each adapter runs in its`,
    'own child process with a spool; rows are matched by the sequence number in `Body`. Duplicates come only from',
    'requests the emulator stored and then reset (the client cannot tell them from a lost request, and the API has no',
    'idempotency key): each sends its whole body again, and after an outage bodies are full (up to',
    '`maxRecordsPerRequest`, 100,000 of these small records), so a few such requests duplicate many records. The',
    'emulator runs in the parent process: its CPU per request and event-loop use show it was never the bottleneck.',
    '',
    '| adapter | logged | delivered | duplicates (sample) | requests stored, then reset | dropped (reason) | lost | requests | 429 / 5xx / resets | spilled to disk | time | peak RSS | emulator CPU per request, busy |',
    '| --- | --: | --: | --- | --: | --- | --: | --: | --- | --: | --: | --: | --: |',
  ]
  for (const r of results) {
    const s = r.requests.byStatus
    const fivexx = Object.entries(s)
      .filter(([k]) => k.startsWith('5'))
      .reduce((a, [, v]) => a + v, 0)
    lines.push(
      `| ${r.adapter} | ${n(r.logged)} | ${n(r.delivered)} | ${n(r.duplicates)}${r.duplicateSample.length > 0 ? ` (${r.duplicateSample.slice(0, 5).join(', ')})` : ''} | ${n(storedThenReset(r))} | ${reasons(r.dropped)} | ${n(r.lost)} | ${n(r.requests.total)} | ${n(s['429'] ?? 0)} / ${n(fivexx)} / ${n(s['0'] ?? 0)} | ${n(r.spilled ?? 0)} | ${(r.elapsedMs / 1000).toFixed(1)} s | ${Math.round(r.peakRssBytes / 2 ** 20)} MiB | ${(r.emulator.cpuMicrosPerRequest / 1000).toFixed(1)} ms, ${(r.emulator.eventLoopBusy * 100).toFixed(0)}% |`,
    )
  }
  lines.push(
    '',
    `Kill -9 loop: a core client with a spool logging ${n(killSettings.ratePerSec)} records/s, killed with SIGKILL ${kill.kills} times`,
    `after ${killSettings.minLifeMs / 1000}–${killSettings.maxLifeMs / 1000} s each (the same chaos faults), then a last process drains the spool and closes.`,
    '',
    '| kills | acknowledged | delivered | lost | duplicates (rows) | possible duplicates reported | replayed | dropped | unacknowledged that landed | time |',
    '| --: | --: | --: | --: | --: | --: | --: | --: | --: | --: |',
    `| ${kill.kills} | ${n(kill.acknowledged)} | ${n(kill.delivered)} | ${n(kill.lost)}${kill.lostSample.length > 0 ? ` (${kill.lostSample.join(', ')})` : ''} | ${n(kill.duplicates)} | ${n(kill.possibleDuplicatesReported)} | ${n(kill.replayed)} | ${n(kill.dropped)} | ${n(kill.unacknowledgedLanded)} | ${(kill.elapsedMs / 1000).toFixed(1)} s |`,
  )
  return lines.join('\n')
}
