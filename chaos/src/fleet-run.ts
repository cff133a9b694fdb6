/**
 * The fleet simulation: many client processes share one DCR's budget, which the emulator enforces with 429 and
 * Retry-After. The service's budget is 12,000 requests and 2 GB per minute; here the window is scaled down (same
 * rates, shorter windows) so that a run takes a minute or two. Each process logs at a steady rate, more than its
 * share of requests would carry at `lingerMs` 100 ms, so the request budget is what binds.
 */
import { performance } from 'node:perf_hooks'
import { startEmulator, THROTTLE_DEFAULTS } from '@dcr-logs/test-harness'
import { quantile } from './child/delays.ts'
import { type ChildDone, spawnChild } from './spawn.ts'

export interface FleetSettings {
  name: string
  processes: number
  /** Records per second per process. */
  ratePerSec: number
  /** Logging time of each process (then it closes and drains). */
  durationMs: number
  /** The budget window: 60 s in the service, scaled down by `scale`. */
  scale: number
  /** Cut the budget in half this long after the start (undefined: never). */
  halveAtMs?: number
}

export const FLEET_SCENARIOS: FleetSettings[] = [
  { name: 'steady budget', processes: 50, ratePerSec: 200, durationMs: 40_000, scale: 10 },
  { name: 'budget halved mid-run', processes: 50, ratePerSec: 200, durationMs: 40_000, scale: 10, halveAtMs: 20_000 },
]

export interface FleetPhase {
  label: string
  /** Accepted requests per second, and the budget's rate. */
  acceptedPerSec: number
  budgetPerSec: number
  /** 429s per second over the phase. */
  throttledPerSec: number
}

export interface FleetResult {
  settings: FleetSettings
  phases: FleetPhase[]
  /** Accepted requests per process as a share of a fair 1/N, over the whole run: min, median, max. */
  share: { min: number; median: number; max: number }
  /** 429s over the run, and the largest number any one process got. */
  throttled: number
  throttledMaxPerProcess: number
  p50DelayMs: number
  p99DelayMs: number
  peakRssMaxBytes: number
  peakRssMedianBytes: number
  logged: number
  delivered: number
  rows: number
  dropped: number
  emulator: { requestsPerSec: number; cpuMicrosPerRequest: number; eventLoopBusy: number }
  elapsedMs: number
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN

export const runFleet = async (s: FleetSettings, log: (line: string) => void = () => {}): Promise<FleetResult> => {
  const windowMs = THROTTLE_DEFAULTS.windowMs / s.scale
  const budget = {
    requestsPerWindow: THROTTLE_DEFAULTS.requestsPerWindow / s.scale,
    bytesPerWindow: Math.round(THROTTLE_DEFAULTS.bytesPerWindow / s.scale),
    windowMs,
  }
  // rows are counted, not kept: the emulator parses each request (its cost is reported) but stores nothing
  const emulator = await startEmulator({ throttle: budget, retainRows: false })
  const started = performance.now()
  const cpu = process.cpuUsage()
  const elu = performance.eventLoopUtilization()
  let halvedAt: number | undefined
  const halve =
    s.halveAtMs === undefined
      ? undefined
      : setTimeout(() => {
          halvedAt = Date.now()
          emulator.setThrottle({
            ...budget,
            requestsPerWindow: budget.requestsPerWindow / 2,
            bytesPerWindow: budget.bytesPerWindow / 2,
          })
          log(`${s.name}: budget halved`)
        }, s.halveAtMs)
  const children = Array.from({ length: s.processes }, (_, k) =>
    spawnChild(
      {
        adapter: 'core',
        from: 0,
        count: Math.round((s.ratePerSec * s.durationMs) / 1000),
        ratePerSec: s.ratePerSec,
        tag: `fleet-${k}`,
        closeTimeoutMs: 120_000,
        measureDelays: true,
        options: { lingerMs: 100, userAgentSuffix: `fleet-process/${k}` },
      },
      emulator.env,
    ),
  )
  const done = (await Promise.all(children.map((c) => c.done))) as (ChildDone | undefined)[]
  clearTimeout(halve)
  const elapsedMs = performance.now() - started
  const used = process.cpuUsage(cpu)
  const busy = performance.eventLoopUtilization(elu).utilization
  const requests = emulator.requests()
  const rows = emulator.count('AppLogs_CL')
  await emulator.close()
  const died = children.filter((_, k) => done[k] === undefined).map((c) => c.process.exitCode ?? c.process.signalCode)
  if (died.length > 0) throw new Error(`${died.length} fleet process(es) died (exit codes ${died.join(', ')})`)
  const results = done as ChildDone[]

  // phases: while every process is logging (processes start over several seconds on a busy machine), from the end
  // of the first window after the last one started
  const acks = children.map((c) => c.ackTimes())
  const allLogging = Math.max(...acks.map((a) => a.first))
  const loggingEnds = Math.min(...acks.map((a) => a.last))
  const phase = (label: string, from: number, to: number, perWindow: number): FleetPhase => {
    const inPhase = requests.filter((r) => r.at.getTime() >= from && r.at.getTime() < to)
    const seconds = Math.max(0.001, (to - from) / 1000)
    return {
      label,
      acceptedPerSec: inPhase.filter((r) => r.status === 204).length / seconds,
      budgetPerSec: perWindow / (windowMs / 1000),
      throttledPerSec: inPhase.filter((r) => r.status === 429).length / seconds,
    }
  }
  const phases =
    halvedAt === undefined
      ? [phase('whole run', allLogging + windowMs, loggingEnds, budget.requestsPerWindow)]
      : [
          phase('before the cut', allLogging + windowMs, halvedAt, budget.requestsPerWindow),
          // the window running at the cut still has the full budget's count
          phase('after the cut', halvedAt + windowMs, loggingEnds, budget.requestsPerWindow / 2),
        ]
  const perProcess = new Map<string, { ok: number; throttled: number }>()
  for (const r of requests) {
    const id = /fleet-process\/(\d+)/.exec(r.userAgent ?? '')?.[1] ?? '?'
    const p = perProcess.get(id) ?? { ok: 0, throttled: 0 }
    if (r.status === 204) p.ok++
    if (r.status === 429) p.throttled++
    perProcess.set(id, p)
  }
  const oks = [...perProcess.values()].map((p) => p.ok)
  const fair = oks.reduce((a, b) => a + b, 0) / s.processes
  const rss = results.map((r) => r.peakRssBytes)
  const histograms = results.map((r) => r.delays ?? {})
  return {
    settings: s,
    phases,
    share: { min: Math.min(...oks) / fair, median: median(oks) / fair, max: Math.max(...oks) / fair },
    throttled: requests.filter((r) => r.status === 429).length,
    throttledMaxPerProcess: Math.max(...[...perProcess.values()].map((p) => p.throttled)),
    p50DelayMs: quantile(histograms, 0.5),
    p99DelayMs: quantile(histograms, 0.99),
    peakRssMaxBytes: Math.max(...rss),
    peakRssMedianBytes: median(rss),
    logged: results.reduce((a, r) => a + r.pushed, 0),
    delivered: results.reduce((a, r) => a + (r.stats?.records.delivered ?? 0), 0),
    rows,
    dropped: results.reduce((a, r) => a + (r.stats?.records.dropped ?? 0), 0),
    emulator: {
      requestsPerSec: requests.length / (elapsedMs / 1000),
      cpuMicrosPerRequest: (used.user + used.system) / requests.length,
      eventLoopBusy: busy,
    },
    elapsedMs,
  }
}
