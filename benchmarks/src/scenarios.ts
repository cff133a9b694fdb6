/** Scenarios 2–6, as the runner sees them: which children to run, what to check, what to report. */
import type { Emulator } from '@dcr-logs/test-harness'
import type { ChildResult, ContenderName } from './protocol.ts'
import { runChild } from './runner.ts'
import { type Context, cpuMs, fmt, MIB, pair, push, record, requestFigures, runCounted, TABLE } from './scenario-kit.ts'
import { percentile } from './stats.ts'

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
