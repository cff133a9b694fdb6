/** The seven scenarios, as the runner sees them: which children to run, what to check, what to report. */
import type { Emulator } from '@dcr-logs/test-harness'
import type { BenchConfig } from './config.ts'
import type { ChildResult, ContenderName, Task } from './protocol.ts'
import type { AccountingCheck, MetricRow, TargetCheck } from './results.ts'
import { runChild } from './runner.ts'
import { percentile, summarize } from './stats.ts'

const TABLE = 'AppLogs_CL'
const MIB = 1_048_576
/** Core's cap on a body as sent, and the service's. */
const MAX_REQUEST_BYTES = 1_048_576

export interface Context {
  config: BenchConfig
  /** Throughput emulator: throttling off, rows counted but not kept. */
  counting: Emulator
  /** Latency emulator: throttling off, rows kept (they carry the send time). */
  retaining: Emulator
  metrics: MetricRow[]
  targets: TargetCheck[]
  accounting: AccountingCheck[]
  runs: Record<string, unknown[]>
  log: (line: string) => void
}

const cpuMs = (r: ChildResult): number => (r.cpuUserUs + r.cpuSystemUs) / 1000
const rate = (r: ChildResult): number => r.calls / (r.totalMs / 1000)
const fmt = (n: number, digits = 0): string =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '—'

/** What the emulator saw since `sinceEpochMs` (arrival time). */
const requestFigures = (emulator: Emulator, sinceEpochMs: number) => {
  const all = emulator.requests().filter((r) => r.at.getTime() >= Math.floor(sinceEpochMs))
  const ok = all.filter((r) => r.status === 204)
  const sent = ok.reduce((s, r) => s + r.sentBytes, 0)
  const raw = ok.reduce((s, r) => s + r.uncompressedBytes, 0)
  return {
    requests: all.length,
    accepted: ok.length,
    averageSentBytes: ok.length === 0 ? 0 : sent / ok.length,
    averageFill: ok.length === 0 ? 0 : sent / ok.length / MAX_REQUEST_BYTES,
    below90: ok.filter((r) => r.sentBytes < 0.9 * MAX_REQUEST_BYTES).length,
    compressionRatio: sent === 0 ? 0 : raw / sent,
  }
}

const record = (ctx: Context, key: string, value: unknown) => {
  const list = ctx.runs[key] ?? []
  list.push(value)
  ctx.runs[key] = list
}

/** Runs a contender against an emulator that was just reset, and checks that every record landed. */
const runCounted = async (ctx: Context, task: Task, expectRows: (r: ChildResult) => number, timeoutMs: number) => {
  ctx.counting.reset()
  // the runner hosts the emulator: its CPU time while the child runs is the emulator's share of the cores
  const cpu0 = process.cpuUsage()
  const result = await runChild(task, ctx.counting, timeoutMs)
  const cpu = process.cpuUsage(cpu0)
  result.extra['emulatorCpuMs'] = (cpu.user + cpu.system) / 1000
  const landed = ctx.counting.count(TABLE)
  const expected = expectRows(result)
  return { result, landed, expected }
}

const push = (ctx: Context, row: Omit<MetricRow, 'ours' | 'baseline' | 'ratio'>, ours: number[], base?: number[]) => {
  const o = summarize(ours)
  const full: MetricRow = { ...row, ours: o }
  if (base !== undefined) {
    full.baseline = summarize(base)
    full.ratio = full.baseline.median === 0 ? Number.NaN : o.median / full.baseline.median
  }
  ctx.metrics.push(full)
  return full
}

/** Alternates which contender goes first, so slow drift on a shared machine hurts neither side more. */
const pair = async <T>(rep: number, a: () => Promise<T>, b: () => Promise<T>): Promise<[T, T]> => {
  if (rep % 2 === 0) {
    const x = await a()
    return [x, await b()]
  }
  const y = await b()
  return [await a(), y]
}

// ---- 1 + 7: throughput against the SDK and the physical limit ----

export const throughput = async (ctx: Context) => {
  const { config } = ctx
  const n = config.throughputRecords
  const timeout = 600_000
  const ours: { r: ChildResult; req: ReturnType<typeof requestFigures> }[] = []
  const sdk: { r: ChildResult; req: ReturnType<typeof requestFigures> }[] = []
  const limit: ChildResult[] = []
  for (let rep = 0; rep < config.repetitions; rep++) {
    const runOurs = async () => {
      const { result, landed, expected } = await runCounted(
        ctx,
        { contender: 'core-throughput', records: n, params: {} },
        (r) => r.calls + (r.extra['warmupRecords'] ?? 0),
        timeout,
      )
      const c = result.core!
      ctx.accounting.push({
        scenario: '1 core throughput',
        ok: landed === expected && c.accepted === expected && c.delivered === expected && c.dropped === 0,
        detail: `run ${rep + 1}: pushed ${fmt(expected)} (incl. warm-up), accepted ${fmt(c.accepted)}, delivered ${fmt(c.delivered)}, dropped ${fmt(c.dropped)}, rows landed ${fmt(landed)}`,
      })
      const req = requestFigures(ctx.counting, result.extra['startedAtEpochMs']!)
      ctx.log(
        `  core: ${fmt(rate(result))} records/s, ${req.requests} requests, fill ${fmt(req.averageFill * 100, 1)}%`,
      )
      record(ctx, 'core-throughput', { ...result, emulator: req })
      return { r: result, req }
    }
    const runSdk = async () => {
      const { result, landed, expected } = await runCounted(
        ctx,
        { contender: 'sdk-throughput', records: n, params: { sdkBatch: config.sdkBatch } },
        (r) => r.calls + (r.extra['warmupRecords'] ?? 0),
        timeout,
      )
      ctx.accounting.push({
        scenario: '1 @azure/monitor-ingestion',
        ok: landed === expected,
        detail: `run ${rep + 1}: uploaded ${fmt(expected)} (incl. warm-up), upload() resolved, rows landed ${fmt(landed)}`,
      })
      const req = requestFigures(ctx.counting, result.extra['startedAtEpochMs']!)
      ctx.log(
        `  sdk:  ${fmt(rate(result))} records/s, ${req.requests} requests, fill ${fmt(req.averageFill * 100, 1)}%`,
      )
      record(ctx, 'sdk-throughput', { ...result, emulator: req })
      return { r: result, req }
    }
    const [o, s] = await pair(rep, runOurs, runSdk)
    ours.push(o)
    sdk.push(s)
    const l = await runChild(
      { contender: 'stringify-gzip', records: config.limitRecords, params: {} },
      ctx.counting,
      timeout,
    )
    ctx.log(`  stringify+gzip: ${fmt(rate(l))} records/s`)
    record(ctx, 'stringify-gzip', l)
    limit.push(l)
  }

  const S = '1 core vs @azure/monitor-ingestion'
  const B = '@azure/monitor-ingestion'
  const thr = push(
    ctx,
    { scenario: S, metric: `throughput, ${fmt(n)} records`, unit: 'records/s', better: 'higher', baselineName: B },
    ours.map((x) => rate(x.r)),
    sdk.map((x) => rate(x.r)),
  )
  const req = push(
    ctx,
    { scenario: S, metric: 'requests sent', unit: 'requests', better: 'lower', baselineName: B },
    ours.map((x) => x.req.requests),
    sdk.map((x) => x.req.requests),
  )
  push(
    ctx,
    { scenario: S, metric: 'average request size as sent', unit: 'KiB', better: 'higher', baselineName: B },
    ours.map((x) => x.req.averageSentBytes / 1024),
    sdk.map((x) => x.req.averageSentBytes / 1024),
  )
  const fill = push(
    ctx,
    { scenario: S, metric: 'average fill of 1 MiB (as sent)', unit: '%', better: 'higher', baselineName: B },
    ours.map((x) => x.req.averageFill * 100),
    sdk.map((x) => x.req.averageFill * 100),
  )
  const cpu = push(
    ctx,
    {
      scenario: S,
      metric: 'CPU time per 1,000 records (client process)',
      unit: 'ms',
      better: 'lower',
      baselineName: B,
    },
    ours.map((x) => (cpuMs(x.r) / x.r.calls) * 1000),
    sdk.map((x) => (cpuMs(x.r) / x.r.calls) * 1000),
  )
  push(
    ctx,
    { scenario: S, metric: 'peak RSS (client process)', unit: 'MiB', better: 'lower', baselineName: B },
    ours.map((x) => x.r.peakRssBytes / MIB),
    sdk.map((x) => x.r.peakRssBytes / MIB),
  )
  const compression = summarize(ours.map((x) => x.req.compressionRatio))
  push(
    ctx,
    { scenario: S, metric: 'compression ratio of the data (raw ÷ sent, core)', unit: '×', better: 'info' },
    ours.map((x) => x.req.compressionRatio),
  )
  const lim = push(
    ctx,
    {
      scenario: '7 physical limit',
      metric: 'core throughput vs JSON.stringify + gzip in one loop',
      unit: 'records/s',
      better: 'higher',
      baselineName: 'stringify + gzip (level 6)',
    },
    ours.map((x) => rate(x.r)),
    limit.map(rate),
  )
  push(
    ctx,
    {
      scenario: '7 physical limit',
      metric: 'per 1,000 records: the whole stringify + gzip loop, one thread',
      unit: 'ms',
      better: 'info',
    },
    limit.map((l) => (l.totalMs / l.calls) * 1000),
  )
  push(
    ctx,
    { scenario: '7 physical limit', metric: 'per 1,000 records: gzip (level 6) alone', unit: 'ms', better: 'info' },
    limit.map((l) => ((l.extra['gzipMs'] ?? Number.NaN) / l.calls) * 1000),
  )
  push(
    ctx,
    {
      scenario: '7 physical limit',
      metric: 'per 1,000 records: making the records (every contender pays it)',
      unit: 'ms',
      better: 'info',
    },
    limit.map((l) => ((l.extra['generateMs'] ?? Number.NaN) / l.calls) * 1000),
  )

  const reqRatio = req.baseline!.median / req.ours.median
  const worstBelow90 = Math.max(...ours.map((x) => x.req.below90))
  // core's own figure: the mean fill of the requests it sealed because they were full
  const fullFill = Math.min(...ours.map((x) => x.r.core!.averageFill))
  ctx.targets.push(
    {
      id: 'throughput-2x',
      scenario: S,
      target: 'core ≥ 2× the SDK’s records/s',
      measured: `${fmt(thr.ratio!, 2)}×`,
      met: thr.ratio! >= 2,
    },
    {
      id: 'cpu-half',
      scenario: S,
      target: 'core ≤ 0.5× the SDK’s CPU per record',
      measured: `${fmt(cpu.ratio!, 2)}×`,
      met: cpu.ratio! <= 0.5,
    },
    {
      id: 'requests-compression',
      scenario: S,
      target: 'requests fewer by about the compression ratio (≥ 0.8 × ratio)',
      measured: `${fmt(reqRatio, 1)}× fewer; compression ratio ${fmt(compression.median, 1)}×`,
      met: reqRatio >= 0.8 * compression.median,
    },
    {
      id: 'full-requests-90',
      scenario: S,
      target: 'every full request ≥ 90% of 1 MiB as sent',
      measured: `full requests (core stats) ${fmt(fullFill * 100, 1)}% on average in the worst run; all requests ${fmt(fill.ours.median, 1)}%; at most ${worstBelow90} request(s) per run under 90% (the partial tail at flush)`,
      // the last bodies at flush are partial by nature: up to `concurrency` (2) of them plus the linger tail
      met: fullFill >= 0.9 && worstBelow90 <= 3,
    },
    {
      id: 'limit-70',
      scenario: '7 physical limit',
      target: 'core ≥ 70% of stringify + gzip',
      measured: `${fmt(lim.ratio! * 100, 0)}%`,
      met: lim.ratio! >= 0.7,
    },
  )
}

// ---- 2–4: the frameworks ----

const framework = async (
  ctx: Context,
  scenario: string,
  ours: ContenderName,
  baseline: ContenderName,
  baselineName: string,
  checkCore: boolean,
) => {
  const { config } = ctx
  const n = config.frameworkRecords
  const timeout = config.mode === 'quick' ? 60_000 : 300_000
  const a: ChildResult[] = []
  const b: ChildResult[] = []
  const reqs: ReturnType<typeof requestFigures>[] = []
  const drops: number[] = []
  for (let rep = 0; rep < config.repetitions; rep++) {
    const runOurs = async () => {
      const { result, landed } = await runCounted(
        ctx,
        { contender: ours, records: n, params: { ...config.frameworkBuffer } },
        (r) => r.calls,
        timeout,
      )
      const c = result.core
      const received = result.extra['received']
      // OTel's processor drops silently past its queue: records it never handed over would be unreported loss
      const lostBeforeCore = received === undefined ? 0 : n - received
      const reported = c?.dropped ?? result.extra['reportedDropped'] ?? 0
      // + 1: the warm-up record, logged before the measurement
      const all = n + 1
      drops.push(reported)
      ctx.accounting.push({
        scenario,
        ok:
          landed + reported === all &&
          (c === undefined || (c.delivered === landed && c.accepted === all)) &&
          lostBeforeCore === 0,
        detail: `run ${rep + 1}: ${fmt(n)} log calls + 1 warm-up, rows landed ${fmt(landed)}, reported dropped ${fmt(reported)}${c === undefined ? '' : `; core accepted ${fmt(c.accepted)}, delivered ${fmt(c.delivered)}`}${received === undefined ? '' : `; the processor handed over ${fmt(received)}`}`,
      })
      const req = requestFigures(ctx.counting, result.extra['startedAtEpochMs']!)
      reqs.push(req)
      ctx.log(
        `  ${ours}: app thread ${fmt(result.appThreadMs!)} ms, landed in ${fmt(result.landedMs!)} ms, ${req.requests} requests`,
      )
      record(ctx, ours, { ...result, emulator: req })
      return result
    }
    const runBase = async () => {
      ctx.counting.reset()
      const result = await runChild({ contender: baseline, records: n, params: {} }, ctx.counting, timeout)
      const received = result.extra['received']
      if (received !== undefined) {
        ctx.accounting.push({
          scenario: `${scenario} (baseline)`,
          ok: received === n,
          detail: `run ${rep + 1}: ${fmt(n)} records emitted, ${fmt(received)} reached the in-memory exporter`,
        })
      }
      ctx.log(`  ${baseline}: app thread ${fmt(result.appThreadMs!)} ms, done in ${fmt(result.landedMs!)} ms`)
      record(ctx, baseline, result)
      return result
    }
    const [x, y] = await pair(rep, runOurs, runBase)
    a.push(x)
    b.push(y)
  }
  const app = push(
    ctx,
    { scenario, metric: `app-thread time, ${fmt(n)} log calls`, unit: 'ms', better: 'lower', baselineName },
    a.map((r) => r.appThreadMs!),
    b.map((r) => r.appThreadMs!),
  )
  push(
    ctx,
    {
      scenario,
      metric: 'time until all landed (baseline: written / exported)',
      unit: 'ms',
      better: 'lower',
      baselineName,
    },
    a.map((r) => r.landedMs!),
    b.map((r) => r.landedMs!),
  )
  push(
    ctx,
    { scenario, metric: 'CPU time of the process', unit: 'ms', better: 'lower', baselineName },
    a.map(cpuMs),
    b.map(cpuMs),
  )
  push(ctx, { scenario, metric: 'records dropped by dcr-logs (all reported)', unit: 'records', better: 'info' }, drops)
  if (checkCore) {
    push(
      ctx,
      { scenario, metric: 'requests used', unit: 'requests', better: 'info' },
      reqs.map((r) => r.requests),
    )
    push(
      ctx,
      { scenario, metric: 'average fill of 1 MiB (as sent)', unit: '%', better: 'info' },
      reqs.map((r) => r.averageFill * 100),
    )
  }
  return app
}

export const pinoScenario = async (ctx: Context) => {
  const S = '2 pino'
  const app = await framework(ctx, S, 'pino-dcr-logs', 'pino-file', 'pino/file → /dev/null', false)
  ctx.targets.push({
    id: 'pino-10',
    scenario: S,
    target: 'app-thread time ≤ 1.10× pino/file',
    measured: `${fmt(app.ratio!, 2)}×`,
    met: app.ratio! <= 1.1,
  })
}

export const winstonScenario = async (ctx: Context) => {
  const S = '3 winston'
  const app = await framework(ctx, S, 'winston-dcr-logs', 'winston-noop', 'no-op transport, same formats', false)
  ctx.targets.push({
    id: 'winston-130',
    scenario: S,
    target: 'app-thread time ≤ 1.3× a no-op transport',
    measured: `${fmt(app.ratio!, 2)}×`,
    met: app.ratio! <= 1.3,
  })
}

export const otelScenario = async (ctx: Context) => {
  const S = '4 OpenTelemetry'
  const app = await framework(ctx, S, 'otel-dcr-logs', 'otel-memory', 'InMemoryLogRecordExporter', true)
  ctx.targets.push({
    id: 'otel-100',
    scenario: S,
    target: 'app-thread time ≤ 1.0× InMemoryLogRecordExporter',
    measured: `${fmt(app.ratio!, 2)}×`,
    met: app.ratio! <= 1.0,
  })
}

// ---- 5: outage ----

export const outageScenario = async (ctx: Context) => {
  const S = '5 outage (503)'
  const o = ctx.config.outage
  const results: ChildResult[] = []
  for (let rep = 0; rep < ctx.config.outageRepetitions; rep++) {
    ctx.counting.reset()
    const timeout = o.warmupMs + o.outageMs + o.afterMs + 180_000
    const r = await runChild({ contender: 'outage', records: 0, params: { ...o } }, ctx.counting, timeout)
    const landed = ctx.counting.count(TABLE)
    const c = r.core!
    const refused = r.extra['refused']!
    const failed503 = ctx.counting.requests().filter((q) => q.status === 503).length
    ctx.accounting.push({
      scenario: S,
      ok: c.accepted + refused === r.calls && c.accepted === c.delivered + c.dropped && landed === c.delivered,
      detail: `run ${rep + 1}: ${fmt(r.calls)} log calls = ${fmt(c.accepted)} accepted + ${fmt(refused)} refused; accepted = ${fmt(c.delivered)} delivered + ${fmt(c.dropped)} dropped (${
        Object.entries(c.droppedByReason)
          .map(([k, v]) => `${k} ${fmt(v)}`)
          .join(', ') || 'none'
      }); rows landed ${fmt(landed)}; ${fmt(failed503)} requests answered 503`,
    })
    ctx.log(
      `  outage: growth ${fmt(r.extra['rssGrowthBytes']! / MIB, 1)} MiB (bound ${fmt(o.maxBufferBytes / MIB)} MiB), dropped ${fmt(c.dropped)}, drained after ${fmt(r.extra['backlogDrainedAfterMs']!)} ms`,
    )
    record(ctx, 'outage', r)
    results.push(r)
  }
  push(
    ctx,
    {
      scenario: S,
      metric: `RSS growth during ${o.outageMs / 1000} s of 503 at ${fmt(o.rate)} records/s`,
      unit: 'MiB',
      better: 'info',
    },
    results.map((r) => r.extra['rssGrowthBytes']! / MIB),
  )
  push(
    ctx,
    { scenario: S, metric: 'RSS growth, first half of the outage', unit: 'MiB', better: 'info' },
    results.map((r) => r.extra['rssGrowthFirstHalfBytes']! / MIB),
  )
  push(
    ctx,
    { scenario: S, metric: 'RSS growth, second half of the outage', unit: 'MiB', better: 'info' },
    results.map((r) => r.extra['rssGrowthSecondHalfBytes']! / MIB),
  )
  push(
    ctx,
    {
      scenario: S,
      metric: 'live heap growth at the end of the outage (after a full GC)',
      unit: 'MiB',
      better: 'info',
    },
    results.map((r) => r.extra['liveHeapGrowthBytes']! / MIB),
  )
  push(
    ctx,
    { scenario: S, metric: 'peak V8 heap used (live and not yet collected)', unit: 'MiB', better: 'info' },
    results.map((r) => r.extra['peakHeapUsedBytes']! / MIB),
  )
  push(
    ctx,
    { scenario: S, metric: 'peak queued JSON (core stats)', unit: 'MiB', better: 'info' },
    results.map((r) => r.extra['peakQueuedBytes']! / MIB),
  )
  push(
    ctx,
    { scenario: S, metric: 'records dropped (buffer-full), all reported', unit: 'records', better: 'info' },
    results.map((r) => r.core!.dropped),
  )
  push(
    ctx,
    { scenario: S, metric: 'first delivery after the outage ended', unit: 'ms', better: 'info' },
    results.map((r) => r.extra['firstDeliveryAfterRecoveryMs']!),
  )
  const drained = push(
    ctx,
    { scenario: S, metric: 'backlog drained after the outage ended', unit: 'ms', better: 'info' },
    results.map((r) => r.extra['backlogDrainedAfterMs']!),
  )
  push(
    ctx,
    {
      scenario: S,
      metric: `delivery rate in the ${o.afterMs / 1000} s after recovery`,
      unit: 'records/s',
      better: 'info',
    },
    results.map((r) => r.extra['deliveryRateAfterRecovery']!),
  )
  // JSON strings live in V8 as one-byte strings plus a small object per record; GC adds headroom on top
  const allowed = 2 * (o.maxBufferBytes / MIB) + 32
  ctx.targets.push(
    {
      id: 'outage-memory',
      scenario: S,
      target: `RSS growth ≤ 2 × maxBufferBytes + 32 MiB (${fmt(allowed)} MiB; maxBufferBytes ${fmt(o.maxBufferBytes / MIB)} MiB)`,
      measured: `${fmt(Math.max(...results.map((r) => r.extra['rssGrowthBytes']!)) / MIB, 1)} MiB at most`,
      met: Math.max(...results.map((r) => r.extra['rssGrowthBytes']!)) / MIB <= allowed,
    },
    {
      id: 'outage-plateau',
      scenario: S,
      target: 'memory plateaus: RSS peak of the second half of the outage ≤ first half + 10% (+ 8 MiB)',
      measured: results
        .map(
          (r) =>
            `${fmt(r.extra['rssGrowthFirstHalfBytes']! / MIB, 1)} → ${fmt(r.extra['rssGrowthSecondHalfBytes']! / MIB, 1)} MiB`,
        )
        .join('; '),
      met: results.every(
        (r) => r.extra['rssGrowthSecondHalfBytes']! <= r.extra['rssGrowthFirstHalfBytes']! * 1.1 + 8 * MIB,
      ),
    },
    {
      id: 'outage-resume',
      scenario: S,
      target: `backlog drained within the ${o.afterMs / 1000} s after recovery while logging goes on`,
      measured: `${fmt(drained.ours.max)} ms at most`,
      met: results.every((r) => Number.isFinite(r.extra['backlogDrainedAfterMs']!)),
    },
  )
}

// ---- 6: latency ----

interface LatencyRow {
  [key: string]: unknown
  Attributes?: Record<string, unknown>
}

const latencies = (emulator: Emulator): number[] => {
  const rows = emulator.rows<LatencyRow>(TABLE)
  const out: number[] = []
  let k = 0
  // rows are stored in request order, right before the 204 is written
  for (const q of emulator.requests()) {
    if (q.status !== 204) continue
    const storedAt = q.at.getTime() + q.durationMs
    for (let j = 0; j < q.records; j++, k++) {
      const sentAt = rows[k]?.Attributes?.['bench.sentAt']
      if (typeof sentAt === 'number') out.push(storedAt - sentAt)
    }
  }
  return out
}

export const latencyScenario = async (ctx: Context) => {
  const S = '6 latency (log call → row stored)'
  const l = ctx.config.latency
  const cases = [
    { label: `${l.lowRate}/s, default lingerMs (1000)`, rate: l.lowRate, params: {} },
    { label: `${l.lowRate}/s, lingerMs ${l.smallLingerMs}`, rate: l.lowRate, params: { lingerMs: l.smallLingerMs } },
    { label: `${fmt(l.highRate)}/s, default lingerMs`, rate: l.highRate, params: {} },
  ]
  for (const c of cases) {
    const p50: number[] = []
    const p99: number[] = []
    for (let rep = 0; rep < ctx.config.repetitions; rep++) {
      ctx.retaining.reset()
      const r = await runChild(
        { contender: 'latency', records: 0, params: { rate: c.rate, durationMs: l.durationMs, ...c.params } },
        ctx.retaining,
        l.durationMs + 120_000,
      )
      const values = latencies(ctx.retaining)
      const landed = ctx.retaining.count(TABLE)
      ctx.accounting.push({
        scenario: `6 latency, ${c.label}`,
        ok: landed === r.calls + 1 && values.length === r.calls && r.core!.dropped === 0,
        detail: `run ${rep + 1}: ${fmt(r.calls)} records (+1 warm-up), rows landed ${fmt(landed)}, ${fmt(values.length)} latencies measured, dropped ${r.core!.dropped}`,
      })
      p50.push(percentile(values, 50))
      p99.push(percentile(values, 99))
      ctx.log(`  ${c.label}: p50 ${fmt(percentile(values, 50), 1)} ms, p99 ${fmt(percentile(values, 99), 1)} ms`)
      record(ctx, 'latency', { case: c.label, ...r, p50: percentile(values, 50), p99: percentile(values, 99) })
    }
    push(ctx, { scenario: S, metric: `p50, ${c.label}`, unit: 'ms', better: 'info' }, p50)
    push(ctx, { scenario: S, metric: `p99, ${c.label}`, unit: 'ms', better: 'info' }, p99)
  }
}
