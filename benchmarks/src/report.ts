/** Renders `RESULTS.md` from the results. */
import { DEFAULTS } from '@dcr-logs/core'
import type { BenchResults, MetricRow } from './results.ts'
import { median } from './stats.ts'

/**
 * Profile notes that hold whatever the run: what each part of the adapters' app-thread paths costs, measured with
 * `node --cpu-prof` and CPU-time loops over the same records outside this runner (not this run's figures).
 */
export const NOTES: readonly string[] = [
  'Adapters, issue 13 (Node 20, this 2-core machine, CPU time per record of the mapping alone, `push()` stubbed, ' +
    'before → after): winston `mapInfo` 2.0–2.3 µs → 0.65 µs (it parsed `format.timestamp()` text back into a Date, ' +
    'copied meta from both `info` and `[SPLAT]`, built a `Set` per record, and handed core two Dates that its ' +
    'serialiser copies the record for; `setImmediate` per `logged` event); pino `mapLine` 1.8–2.9 µs → 0.4–0.75 µs ' +
    '(the `Resource` object and two ISO times rebuilt per line); OpenTelemetry mapping 1.4–2.7 µs → 0.25–0.5 µs ' +
    '(ISO text of two HrTimes, the whole SDK resource on every row). What the adapters leave is core’s `push()`: in ' +
    'a profile of 200,000 winston calls it is about a fifth of the process’s CPU (`serializeFast`), and in pino’s ' +
    'worker about half of the per-line CPU (parsing about a third), so the app-thread ratios of scenarios 2–4 ' +
    'move with core’s serialiser.',
]

/**
 * Why a target is missed, from profiles of the contenders (`node --cpu-prof` on the child, see README.md).
 * Shown under a target only when this run missed it.
 */
export const REASONS: Record<string, string | ((r: BenchResults) => string)> = {
  'throughput-2x': (r) => {
    const cpu = find(r, 'CPU time per 1,000 records (all threads)')
    const emu = emulatorCpuPer1000(r)
    const thr = find(r, 'throughput, ')
    const limit = find(r, 'core (default options) vs stringify')
    const sdkRate = thr?.baseline?.median ?? Number.NaN
    const coreRate = thr?.ours.median ?? Number.NaN
    const limitRate = limit?.baseline?.median ?? Number.NaN
    // cores kept busy during core's run: its CPU and the emulator's, per record, times records per second
    const busy = (((cpu?.ours.median ?? Number.NaN) + emu.core) * coreRate) / 1e6
    return (
      'Core’s main thread sets the pace, and the other core is busy too: the deflates run on the pool, and V8’s ' +
      'garbage-collection helpers and the emulator (which gunzips every body to check it) share the same two cores. ' +
      `Per 1,000 records core used ${ms(cpu?.ours.median ?? Number.NaN)} of CPU (all its threads) and the emulator ` +
      `${ms(emu.core)} serving it, so during core’s run about ${busy.toFixed(2)} of the 2 cores were busy. The ` +
      'two-core limit (scenario 7: stringify on one thread, 1 MiB pieces deflated on the pool, no HTTP, no ' +
      `receiver, no accounting) reached ${(limitRate / sdkRate).toFixed(2)}× the SDK’s records/s; 2× the SDK is ` +
      `${((200 * sdkRate) / limitRate).toFixed(0)}% of that limit, and core reached ` +
      `${((100 * coreRate) / limitRate).toFixed(0)}% of it while also sending over TLS to a receiver on the same ` +
      'cores. A profile of core’s main thread in the timed part of one run (`pnpm bench --only 1 --reps 1 --profile ' +
      'DIR`, Node 20): 56% serialising in `push()` (`serializeFast`: native `JSON.stringify` plus the look at object ' +
      'values), 7% cutting pieces, 8% zlib’s JavaScript side, 5% queueing, 5% garbage collection, 3% idle. The ' +
      'idle share was 22% until delivery kept pace with the burst (four pieces compress at once, an 8th of a body ' +
      'each, one call into zlib each: what held compression back was turns of the event loop, not CPU), when 60 MB ' +
      'were still queued as the last `push()` returned. What is left is mostly the serialisation the SDK does as ' +
      'well: in a ' +
      'fresh process, this push loop with nothing but `JSON.stringify` per record takes 0.6–0.9 s for the 300,000 ' +
      'records, core’s checks add 0.1–0.2 s, and 2× the SDK leaves 1.05–1.35 s on this machine for all of ' +
      'core’s main-thread work. The first pass is the dear one: a second `JSON.stringify` of the same records takes ' +
      '0.35–0.5 s. Most of the difference is the first pass flattening the strings the app built by concatenation ' +
      '(V8 keeps them as ropes until then): with those flattened beforehand, the first pass took 0.45–0.58 s. ' +
      'A logger sees each record once, so it always pays the first pass; the SDK pays it in its size estimate, ' +
      'and its second pass (the chunks’ JSON) is the cheap one. Tried in this scenario without a gain ' +
      'beyond its noise: compressing ahead while sealed bodies wait for a send slot, 4 requests in flight instead ' +
      'of 2, 8 pieces compressing at once instead of 4 (2 at once was slower), deflating in a worker thread run at ' +
      'a lower priority so that it never preempts the app’s thread (slower: V8’s garbage-collection helpers worked ' +
      'several times more with buffers moved between threads, and the main thread was no faster); and, without ' +
      'HTTP, a fresh deflate stream per piece instead of one kept open, writing each record straight into the ' +
      'piece’s buffer instead of joining then encoding (the copy and the first touch of fresh buffers cost what the ' +
      'join did), and reusing the encoded text’s buffers. Where the receiver does not share the app’s cores ' +
      '(Azure), the ratio was not measured.'
    )
  },
  'no-drops':
    'The push loop serialised records faster than they were compressed and sent; the backlog waits in the buffer ' +
    '(`maxBufferBytes`, `maxBufferRecords`), and when it is full `drop-oldest` evicts the oldest and reports them. ' +
    'The defaults are sized for this burst on an idle two-core machine; a busier machine delivers more slowly.',
  'full-requests-90':
    'Core’s fill counts only requests sealed because they were full; in quick mode so few requests are sent that ' +
    'the partial tail at `flush()` dominates.',
  'limit-70':
    'The limit loop does only `JSON.stringify` and deflate; core also queues, cuts pieces, checks every value it ' +
    'serialises, sends over TLS to the emulator on the same two cores, and accounts for every record.',
  'pino-10':
    'Profile of the app thread: the same pino functions run in both cases (`asJson`, `LOG`, thread-stream’s ' +
    '`write`); the extra time is `flushSync` in thread-stream, where the app thread waits for the worker to make ' +
    'room in the shared buffer. The `pino/file` worker writes to /dev/null and keeps up; the dcr-logs worker ' +
    'parses, maps, serialises and gzips every line, so a 200,000-call burst fills the buffer and pino blocks the ' +
    'caller, and the worker’s CPU competes with the app thread for the two cores. Below the rate the worker ' +
    'sustains, the buffer never fills and `flushSync` is not reached. The ratio is sensitive to load: across the ' +
    'full runs made while developing the benchmarks on this shared machine it was 1.04×, 1.08× and 1.33×. Issue 13 ' +
    'cut the worker’s mapping from about 1.8–2.9 µs to 0.4–0.75 µs of CPU per line (the `Resource` object and the ISO ' +
    'times are no longer rebuilt per line, no `Set` per line); parsing (`JSON.parse`, about 1 µs) and core’s ' +
    'serialisation and gzip remain, and they are what the worker must keep up with.',
  'winston-130':
    'Profile of the app thread (`node --cpu-prof`, 200,000 calls): winston calls the transport’s `log()` ' +
    'synchronously. Before issue 13, `AzureLogsTransport` spent about 2 µs of CPU per record mapping it (parsing ' +
    '`format.timestamp()` text back into a Date, copying meta twice from `info` and `[SPLAT]`, a `Set` per record, ' +
    '`setImmediate` for every `logged` event) and handed core two Dates, which its serialiser copies the record ' +
    'for; now the mapping is about 0.65 µs (ISO text passed through, one pass over the keys, `logged` only when ' +
    'someone listens). What remains over the no-op transport is mostly core’s `push()`: serialising the record to ' +
    'JSON on the caller’s thread (`serializeFast`: a plain-value check, native `JSON.stringify`, ' +
    '`Buffer.byteLength`), about a fifth of the process’s CPU in the profile, plus the garbage it makes. ' +
    'Serialising once, at the call, is core’s design (memory is bounded by bytes, no live objects held), so the ' +
    'app-thread cost is that of `JSON.stringify`-like work per record, not within 30% of a transport that does ' +
    'nothing; getting there would take moving serialisation off the caller’s thread (a worker, as pino does).',
  'otel-100':
    'The processor calls `export()` from inside `emit()` each time a batch of 512 fills, so mapping and core’s ' +
    '`push()` of the batch count as app-thread time, where the in-memory exporter only appends to an array. The ' +
    'mapping itself went from about 1.4–2.7 µs to 0.25–0.5 µs of CPU per record (cached ISO prefix, resource ' +
    'columns worked out once per resource, attributes not copied unless a key leaves them); the rest is core’s ' +
    'serialisation in `push()`.',
  'outage-memory': (r) => {
    const queued = find(r, 'peak queued JSON')?.ours.median ?? Number.NaN
    const live = find(r, 'live heap growth')?.ours
    const heap = find(r, 'peak V8 heap used')?.ours.max ?? Number.NaN
    return (
      `Core’s buffer stays at its bound (peak queued JSON ${queued.toFixed(1)} MiB), and what the process really ` +
      `retains at the end of the outage, the live heap after a full GC, grew by ${live === undefined ? '—' : `${live.median.toFixed(1)} MiB (${live.min.toFixed(1)}–${live.max.toFixed(1)})`} ` +
      'over the steady state: the queue (JSON as V8 strings, plus an entry object per record) and the records of ' +
      'the bodies being retried, which core holds as JSON so it can report them if they fail; they are outside ' +
      '`maxBufferBytes` (up to `concurrency` bodies of 1 MiB gzip each, about 7–8 MB of JSON each with this ' +
      'data). The RSS peak is higher because of garbage: with ' +
      '`drop-oldest` at 20,000 records/s each record lives long enough to be promoted to the old generation and ' +
      `then dies there, and V8 lets the old space grow (peak heap used up to ${heap.toFixed(1)} MiB, live and not yet ` +
      'collected) before a full GC, and returns pages to the OS lazily. Memory is bounded, but the RSS overhead is ' +
      'not small next to a 16 MiB buffer: budget about 4–8× `maxBufferBytes` of RSS, or cap the heap with ' +
      '`--max-old-space-size`, which makes V8 collect sooner.'
    )
  },
  'outage-plateau': (r) => {
    const live = find(r, 'live heap growth')?.ours.max ?? Number.NaN
    const bound = (r.config as { outage?: { maxBufferBytes?: number } }).outage?.maxBufferBytes ?? Number.NaN
    const liveBounded = live <= (2 * bound) / 1_048_576 + 16
    return liveBounded
      ? `RSS climbed in the second half of the outage in at least one run, but the live heap after a full GC at ` +
          `the end of the outage grew by at most ${live.toFixed(1)} MiB: V8 deferred major collections (RSS holds ` +
          'garbage), it is not retained memory. A longer outage does not grow the live set: the buffer is bounded ' +
          'by bytes and records.'
      : `RSS climbed in the second half of the outage and the live heap after a full GC grew by ${live.toFixed(1)} ` +
          'MiB, more than the buffer accounts for: a possible leak. Rerun with `--only 5` and take heap snapshots.'
  },
  'outage-resume':
    'Backoff after 60 s of 503s reaches `maxDelayMs`; the first retry after recovery can wait that long.',
}

const find = (r: BenchResults, prefix: string): MetricRow | undefined =>
  r.metrics.find((m) => m.metric.startsWith(prefix))
/** The emulator's CPU (the runner process) per 1,000 records while serving each headline contender of scenario 1. */
const emulatorCpuPer1000 = (r: BenchResults): { core: number; sdk: number } => {
  const per = (key: string, label: string): number => {
    const runs = ((r.runs[key] ?? []) as { calls: number; label?: string; extra: Record<string, number> }[]).filter(
      (x) => x.label === label,
    )
    const values = runs.map((x) => ((x.extra['emulatorCpuMs'] ?? Number.NaN) / x.calls) * 1000)
    return values.length === 0 ? Number.NaN : median(values)
  }
  return {
    core: per('core-throughput', 'core, default options'),
    sdk: per('sdk-throughput', 'SDK, one upload() of the whole array'),
  }
}

/** Scenario 8 as a table and a sentence: how core's default `compressionLevel` compares with the others here. */
const levelChoice = (r: BenchResults): string[] => {
  const rows = r.metrics.filter((m) => m.scenario.startsWith('8'))
  const at = (level: number, what: string): number =>
    rows.find((m) => m.metric === `level ${level}: ${what}`)?.ours.median ?? Number.NaN
  const levels = [...new Set(rows.map((m) => Number(/^level (\d+):/.exec(m.metric)?.[1])))].filter(Number.isFinite)
  const chosen = DEFAULTS.compressionLevel
  const highest = Math.max(...levels)
  if (levels.length < 2 || !levels.includes(chosen) || chosen === highest) return []
  const table = levels.map(
    (l) =>
      `| ${l}${l === chosen ? ' (default)' : ''} | ${num(at(l, 'throughput'), 'records/s')} | ` +
      `${ms(at(l, 'CPU time per 1,000 records'))} | ${num(at(l, 'compression ratio'), '×')}× | ` +
      `${num(at(l, 'requests'), 'requests')} |`,
  )
  const sdkRequests = find(r, 'requests sent')?.baseline?.median ?? Number.NaN
  const speed = at(chosen, 'throughput') / at(highest, 'throughput')
  const cpu = at(chosen, 'CPU time per 1,000 records') / at(highest, 'CPU time per 1,000 records')
  return [
    '',
    '## Default compression level',
    '',
    '| `compressionLevel` | records/s | CPU per 1,000 records | compression ratio | requests |',
    '| --- | --- | --- | --- | --- |',
    ...table,
    '',
    `Core’s default is level ${chosen}. Against level ${highest} in this run it delivered ${speed.toFixed(2)}× the ` +
      `records/s at ${cpu.toFixed(2)}× the CPU per record, for ${num(at(chosen, 'requests'), 'requests')} requests ` +
      `instead of ${num(at(highest, 'requests'), 'requests')} (the SDK sent ${num(sdkRequests, 'requests')} for the same ` +
      'records). Higher levels save a few requests and pay for them in CPU on the thread pool, which the app’s ' +
      'thread shares.',
  ]
}

const ms = (n: number): string => (Number.isFinite(n) ? `${n.toFixed(1)} ms` : '—')

const num = (n: number, unit: string): string => {
  if (!Number.isFinite(n)) return '—'
  const digits =
    unit === 'requests' || unit === 'records'
      ? 0
      : unit === '%' || unit === '×'
        ? 1
        : Math.abs(n) >= 100
          ? 0
          : Math.abs(n) >= 10
            ? 1
            : 2
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
}

const cell = (s: MetricRow['ours'] | undefined, unit: string): string => {
  if (s === undefined) return ''
  const main = `${num(s.median, unit)} ${unit}`
  return s.runs.length > 1 ? `${main} (${num(s.min, unit)}–${num(s.max, unit)})` : main
}

const ratio = (m: MetricRow): string => {
  if (m.ratio === undefined || !Number.isFinite(m.ratio)) return ''
  const note = m.better === 'higher' ? 'higher is better' : m.better === 'lower' ? 'lower is better' : ''
  return `${m.ratio.toFixed(2)}×${note === '' ? '' : ` (${note})`}`
}

/** The few rows worth a README: a compact table the lead can paste as it is. */
const HEADLINE: { prefix: string; label: string; target?: string }[] = [
  {
    prefix: 'throughput, ',
    label: 'core (default options) vs `@azure/monitor-ingestion` (whole array, one `upload()`): records/s',
    target: 'throughput-2x',
  },
  { prefix: 'records dropped (default options', label: 'records dropped, default options', target: 'no-drops' },
  {
    prefix: 'CPU time per 1,000 records (all threads)',
    label: 'CPU per 1,000 records (client, all threads)',
    target: 'cpu-075',
  },
  { prefix: 'requests sent', label: 'requests for the same records', target: 'requests-5x' },
  {
    prefix: 'average fill of 1 MiB',
    label: 'average request size, share of 1 MiB as sent',
    target: 'full-requests-90',
  },
  { prefix: 'peak RSS', label: 'peak RSS (client process)' },
  {
    prefix: "throughput with overflow 'wait'",
    label: "core with overflow 'wait' vs the SDK uploading 50,000 at a time",
  },
  { prefix: 'core (default options) vs stringify', label: 'core vs the two-core limit', target: 'limit-70' },
]

const headline = (r: BenchResults): string[] => {
  const rows: string[] = []
  const met = (id: string | undefined): string => {
    const t = id === undefined ? undefined : r.targets.find((x) => x.id === id)
    return t === undefined ? '' : `${t.target}: ${t.met ? 'met' : '**missed**'}`
  }
  const line = (label: string, m: MetricRow | undefined, target?: string) => {
    if (m === undefined) return
    const base = m.baseline === undefined ? '' : `${cell(m.baseline, m.unit)} (${m.baselineName ?? ''})`
    rows.push(`| ${label} | ${cell(m.ours, m.unit)} | ${base} | ${ratio(m)} | ${met(target)} |`)
  }
  for (const h of HEADLINE)
    line(
      h.label,
      r.metrics.find((m) => m.metric.startsWith(h.prefix)),
      h.target,
    )
  const app = (scenario: string) => r.metrics.find((m) => m.scenario === scenario && m.metric.startsWith('app-thread'))
  line('pino: app-thread time, 200,000 calls', app('2 pino'), 'pino-10')
  line('winston: app-thread time, 200,000 calls', app('3 winston'), 'winston-130')
  line('OpenTelemetry: app-thread time, 200,000 records', app('4 OpenTelemetry'), 'otel-100')
  const otelRequests = r.metrics.find((m) => m.scenario === '4 OpenTelemetry' && m.metric === 'requests used')
  const otelFill = r.metrics.find((m) => m.scenario === '4 OpenTelemetry' && m.metric.startsWith('average fill'))
  if (otelRequests !== undefined && otelFill !== undefined) {
    rows.push(
      `| OpenTelemetry: requests for 200,000 records (processor batches of 512, \`acknowledge: 'buffered'\`) | ${cell(otelRequests.ours, 'requests')}, ${cell(otelFill.ours, '%')} full |  |  |  |`,
    )
  }
  const outage = (prefix: string) => r.metrics.find((m) => m.scenario.startsWith('5') && m.metric.startsWith(prefix))
  line('outage: RSS growth (16 MiB buffer)', outage('RSS growth during'), 'outage-memory')
  line('outage: live heap growth after a full GC', outage('live heap growth'))
  line('outage: records dropped, every one reported', outage('records dropped'))
  line('outage: backlog drained after recovery', outage('backlog drained'), 'outage-resume')
  for (const m of r.metrics.filter((x) => x.scenario.startsWith('6'))) line(`latency ${m.metric}`, m)
  const bad = r.accounting.filter((a) => !a.ok).length
  rows.push(
    `| unreported loss, all scenarios | ${bad === 0 ? 'none' : `**${bad} failed check(s)**`} (${r.accounting.length} checks) |  |  | zero unreported loss: ${bad === 0 ? 'met' : '**missed**'} |`,
  )
  return [
    '',
    '## Summary',
    '',
    '| measure | dcr-logs | baseline | ratio | target |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ]
}

export const renderMarkdown = (r: BenchResults): string => {
  const out: string[] = []
  const m = r.machine
  out.push(
    `# Benchmark results${r.mode === 'quick' ? ' (quick mode: small counts, one run, not for publication)' : ''}`,
    '',
    `Written by \`pnpm bench${r.mode === 'quick' ? ' --quick' : ''}\` on ${r.startedAt} in ${Math.round(r.durationSeconds)} s. How to read it: [README.md](./README.md).`,
    '',
    `- Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB.toFixed(1)} GiB memory, ${m.platform}; load average at start ${m.loadAverageAtStart.map((x) => x.toFixed(2)).join(' / ')}`,
    `- Node.js ${m.node}; ${r.repetitions} repetition(s) per scenario: median, with the spread (min–max) in brackets`,
    '- The emulator runs in the runner process; each contender runs in a child process of its own, and CPU time and peak RSS are that child’s alone. Both share the same cores, and this machine is shared with other work, so absolute figures are noisy; the ratios come from the same run.',
    '- Ratios are dcr-logs ÷ baseline of the medians.',
  )
  out.push(...headline(r))
  out.push(
    '',
    '## All results',
    '',
    '| scenario | metric | dcr-logs | baseline | ratio |',
    '| --- | --- | --- | --- | --- |',
  )
  for (const row of r.metrics) {
    const base = row.baseline === undefined ? '' : `${cell(row.baseline, row.unit)}<br>${row.baselineName ?? ''}`
    out.push(`| ${row.scenario} | ${row.metric} | ${cell(row.ours, row.unit)} | ${base} | ${ratio(row)} |`)
  }
  const emu = emulatorCpuPer1000(r)
  if (Number.isFinite(emu.core)) {
    out.push(
      '',
      `The emulator’s own CPU (runner process, not counted above) per 1,000 records of scenario 1: ${ms(emu.core)} ` +
        `serving core, ${ms(emu.sdk)} serving the SDK.`,
    )
  }
  out.push(...levelChoice(r))
  out.push('', '## Targets', '', '| scenario | target | measured | met |', '| --- | --- | --- | --- |')
  for (const t of r.targets) out.push(`| ${t.scenario} | ${t.target} | ${t.measured} | ${t.met ? 'yes' : '**no**'} |`)
  const missed = r.targets.filter((t) => !t.met)
  if (missed.length > 0) {
    out.push('', '### Missed targets', '')
    for (const t of missed) {
      out.push(`- **${t.target}** (${t.scenario}): missed, measured ${t.measured}.`)
      const reason = REASONS[t.id]
      if (reason !== undefined) out.push(`  ${typeof reason === 'string' ? reason : reason(r)}`)
    }
  }
  out.push('', '## Notes', '', ...NOTES.map((note) => `- ${note}`))
  out.push('', '## Every record accounted for', '')
  const bad = r.accounting.filter((a) => !a.ok)
  out.push(
    bad.length === 0
      ? `All ${r.accounting.length} checks passed: in every run, records in = records delivered (rows landed) + records reported dropped.`
      : `**${bad.length} of ${r.accounting.length} checks failed** (unreported loss or a count mismatch): see below.`,
    '',
  )
  for (const a of r.accounting) out.push(`- ${a.ok ? 'ok' : '**FAILED**'} ${a.scenario}: ${a.detail}`)
  out.push('')
  return out.join('\n')
}
