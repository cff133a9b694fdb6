/**
 * Scenarios 1, 7 and 8: core against the official SDK at its best use, against the two-core limit of
 * serialising and compressing, and across compression levels. Every contender gets the same prebuilt records;
 * the emulator discards them after checking each request, so the figures are the client's.
 */
import type { ChildResult, Task } from './protocol.ts'
import { runChild } from './runner.ts'
import { type Context, cpuMs, fmt, MIB, pair, push, record, requestFigures } from './scenario-kit.ts'
import { summarize } from './stats.ts'

type Figures = ReturnType<typeof requestFigures>
interface Run {
  r: ChildResult
  req: Figures
}

const TIMEOUT = 600_000
const rate = (r: ChildResult): number => r.calls / (r.totalMs / 1000)
const perThousand = (r: ChildResult): number => (cpuMs(r) / r.calls) * 1000

/** Runs one contender against the discarding emulator and checks that every record is accounted for. */
const run = async (ctx: Context, label: string, task: Task, rep: number): Promise<Run> => {
  const emulator = ctx.discarding
  emulator.reset()
  const cpu0 = process.cpuUsage()
  const r = await runChild(task, emulator, TIMEOUT)
  const cpu = process.cpuUsage(cpu0)
  r.extra['emulatorCpuMs'] = (cpu.user + cpu.system) / 1000
  const req = requestFigures(emulator, r.extra['startedAtEpochMs']!)
  const raw = req.rawBytes
  if (r.core !== undefined) {
    const c = r.core
    const pushed = task.records + (r.extra['warmupRecords'] ?? 0)
    ctx.accounting.push({
      scenario: `1 ${label}`,
      ok:
        c.accepted + (c.droppedByReason['buffer-full'] ?? 0) === pushed &&
        c.delivered + c.dropped === pushed &&
        raw === r.extra['rawBytes'],
      detail: `run ${rep + 1}: pushed ${fmt(pushed)} (incl. warm-up), accepted ${fmt(c.accepted)}, delivered ${fmt(c.delivered)}, dropped and reported ${fmt(c.dropped)}; the emulator received ${fmt(raw)} bytes of JSON, core sent ${fmt(r.extra['rawBytes'] ?? 0)}`,
    })
  } else if (r.contender === 'sdk-throughput') {
    const expected = r.extra['recordBytes'] ?? Number.NaN
    ctx.accounting.push({
      scenario: `1 ${label}`,
      ok: raw >= expected,
      detail: `run ${rep + 1}: upload() resolved; the emulator received ${fmt(raw)} bytes of JSON for ${fmt(expected)} bytes of records`,
    })
  }
  ctx.log(
    `  ${label}: ${fmt(rate(r))} records/s, CPU ${fmt(perThousand(r), 2)} ms/1,000, ${req.requests} requests, fill ${fmt(req.averageFill * 100, 1)}%${r.core ? `, dropped ${fmt(r.core.dropped)}` : ''}`,
  )
  record(ctx, r.contender, { ...r, emulator: req, label })
  return { r, req }
}

export const throughput = async (ctx: Context) => {
  const { config } = ctx
  const n = config.throughputRecords
  const core = (params: Task['params']): Task => ({ contender: 'core-throughput', records: n, params })
  const sdk = (mode: 'whole' | 'batched'): Task => ({
    contender: 'sdk-throughput',
    records: n,
    params: { mode, sdkBatch: config.sdkBatch },
  })
  const ours: Run[] = []
  const whole: Run[] = []
  const wait: Run[] = []
  const batched: Run[] = []
  const limit: Run[] = []
  const levels = new Map<number, Run[]>(config.compressionLevels.map((l) => [l, []]))
  for (let rep = 0; rep < config.repetitions; rep++) {
    const [o, s] = await pair(
      rep,
      () => run(ctx, 'core, default options', core({}), rep),
      () => run(ctx, 'SDK, one upload() of the whole array', sdk('whole'), rep),
    )
    ours.push(o)
    whole.push(s)
    const [w, b] = await pair(
      rep,
      () => run(ctx, "core, overflow 'wait'", core({ overflow: 'wait' }), rep),
      () => run(ctx, `SDK, upload() of ${fmt(config.sdkBatch)} at a time`, sdk('batched'), rep),
    )
    wait.push(w)
    batched.push(b)
    limit.push(await run(ctx, 'two-core limit', { contender: 'limit-2core', records: n, params: {} }, rep))
    for (const [level, list] of levels)
      list.push(await run(ctx, `core, compressionLevel ${level}`, core({ compressionLevel: level }), rep))
  }

  const S = '1 core vs @azure/monitor-ingestion'
  const B = '@azure/monitor-ingestion, whole array in one upload()'
  const thr = push(
    ctx,
    {
      scenario: S,
      metric: `throughput, ${fmt(n)} records, default options`,
      unit: 'records/s',
      better: 'higher',
      baselineName: B,
    },
    ours.map((x) => rate(x.r)),
    whole.map((x) => rate(x.r)),
  )
  const drops = push(
    ctx,
    { scenario: S, metric: 'records dropped (default options; every drop reported)', unit: 'records', better: 'info' },
    ours.map((x) => x.r.core!.dropped),
  )
  const cpu = push(
    ctx,
    { scenario: S, metric: 'CPU time per 1,000 records (all threads)', unit: 'ms', better: 'lower', baselineName: B },
    ours.map((x) => perThousand(x.r)),
    whole.map((x) => perThousand(x.r)),
  )
  const req = push(
    ctx,
    { scenario: S, metric: 'requests sent', unit: 'requests', better: 'lower', baselineName: B },
    ours.map((x) => x.req.requests),
    whole.map((x) => x.req.requests),
  )
  const fill = push(
    ctx,
    { scenario: S, metric: 'average fill of 1 MiB (as sent)', unit: '%', better: 'higher', baselineName: B },
    ours.map((x) => x.req.averageFill * 100),
    whole.map((x) => x.req.averageFill * 100),
  )
  push(
    ctx,
    { scenario: S, metric: 'peak RSS (client process)', unit: 'MiB', better: 'lower', baselineName: B },
    ours.map((x) => x.r.peakRssBytes / MIB),
    whole.map((x) => x.r.peakRssBytes / MIB),
  )
  push(
    ctx,
    { scenario: S, metric: 'compression ratio (raw ÷ sent, core)', unit: '×', better: 'info' },
    ours.map((x) => x.req.compressionRatio),
  )
  const B2 = `@azure/monitor-ingestion, upload() of ${fmt(config.sdkBatch)} at a time`
  push(
    ctx,
    {
      scenario: S,
      metric: "throughput with overflow 'wait' (backpressure, no drops)",
      unit: 'records/s',
      better: 'higher',
      baselineName: B2,
    },
    wait.map((x) => rate(x.r)),
    batched.map((x) => rate(x.r)),
  )
  push(
    ctx,
    {
      scenario: S,
      metric: "CPU time per 1,000 records, overflow 'wait'",
      unit: 'ms',
      better: 'lower',
      baselineName: B2,
    },
    wait.map((x) => perThousand(x.r)),
    batched.map((x) => perThousand(x.r)),
  )

  const L = '7 two-core limit'
  const lim = push(
    ctx,
    {
      scenario: L,
      metric: 'core (default options) vs stringify on one thread + deflate of 1 MiB pieces on the pool',
      unit: 'records/s',
      better: 'higher',
      baselineName: 'two-core limit',
    },
    ours.map((x) => rate(x.r)),
    limit.map((x) => rate(x.r)),
  )
  push(
    ctx,
    { scenario: L, metric: 'CPU time per 1,000 records, the limit', unit: 'ms', better: 'info' },
    limit.map((x) => perThousand(x.r)),
  )

  const C = '8 compression level'
  for (const [level, list] of levels) {
    push(
      ctx,
      { scenario: C, metric: `level ${level}: throughput`, unit: 'records/s', better: 'info' },
      list.map((x) => rate(x.r)),
    )
    push(
      ctx,
      { scenario: C, metric: `level ${level}: CPU time per 1,000 records`, unit: 'ms', better: 'info' },
      list.map((x) => perThousand(x.r)),
    )
    push(
      ctx,
      { scenario: C, metric: `level ${level}: compression ratio`, unit: '×', better: 'info' },
      list.map((x) => x.req.compressionRatio),
    )
    push(
      ctx,
      { scenario: C, metric: `level ${level}: requests`, unit: 'requests', better: 'info' },
      list.map((x) => x.req.requests),
    )
  }

  const reqRatio = req.baseline!.median / req.ours.median
  const worstBelow90 = Math.max(...ours.map((x) => x.req.below90))
  // core's own figure: the mean fill of the requests it sealed because they were full
  const fullFill = Math.min(...ours.map((x) => x.r.core!.averageFill))
  const maxDropped = summarize(ours.map((x) => x.r.core!.dropped)).max
  ctx.targets.push(
    {
      id: 'throughput-2x',
      scenario: S,
      target: 'core ≥ 2× the SDK’s records/s (default options; the SDK handed the whole array)',
      measured: `${fmt(thr.ratio!, 2)}×`,
      met: thr.ratio! >= 2,
    },
    {
      id: 'cpu-075',
      scenario: S,
      target: 'core ≤ 0.75× the SDK’s CPU per record',
      measured: `${fmt(cpu.ratio!, 2)}×`,
      met: cpu.ratio! <= 0.75,
    },
    {
      id: 'no-drops',
      scenario: S,
      target: 'zero records dropped at default options',
      measured: `${fmt(maxDropped)} in the worst run (median ${fmt(drops.ours.median)})`,
      met: maxDropped === 0,
    },
    {
      id: 'requests-5x',
      scenario: S,
      target: 'requests at least 5× fewer than the SDK’s',
      measured: `${fmt(reqRatio, 1)}× fewer`,
      met: reqRatio >= 5,
    },
    {
      id: 'full-requests-90',
      scenario: S,
      target: 'every full request ≥ 90% of 1 MiB as sent, never above',
      measured: `full requests (core stats) ${fmt(fullFill * 100, 1)}% on average in the worst run; all requests ${fmt(fill.ours.median, 1)}%; at most ${worstBelow90} request(s) per run under 90% (the partial tail at flush)`,
      // the last bodies at flush are partial by nature
      met: fullFill >= 0.9 && worstBelow90 <= 3 && ours.every((x) => x.req.maxSentBytes <= MIB),
    },
    {
      id: 'limit-70',
      scenario: L,
      target: 'core ≥ 70% of the two-core limit',
      measured: `${fmt(lim.ratio! * 100, 0)}%`,
      met: lim.ratio! >= 0.7,
    },
  )
}
