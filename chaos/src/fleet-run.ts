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
  { name: 'steady budget', processes: 50, ratePerSec: 200, durationMs: 50_000, scale: 10 },
  { name: 'budget halved mid-run', processes: 50, ratePerSec: 200, durationMs: 65_000, scale: 10, halveAtMs: 30_000 },
]

export interface FleetPhase {
  label: string
  /** Whole budget windows in the phase. */
  windows: number
  /** Accepted requests per second, and the budget's rate. */
  acceptedPerSec: number
  budgetPerSec: number
  /** 429s per budget window (each process has at most `concurrency` requests in flight to refuse). */
  throttledPerWindow: number
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
  /** Requests the emulator accepted (204), against Σ of the processes' own count of delivering requests. */
  accepted: number
  clientAccepted: number
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
  // the emulator checks each request's framing (token, size, gzip) and counts it against the budget, but does not
  // parse records (discardRecords): the run measures the clients; their own accounting proves nothing was lost
  const emulator = await startEmulator({ throttle: budget, discardRecords: true })
  const started = performance.now()
  const cpu = process.cpuUsage()
  const elu = performance.eventLoopUtilization()
  let halvedAt: number | undefined
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
        sliceMs: 50,
        ackEveryMs: 1_000,
        options: { lingerMs: 100, userAgentSuffix: `fleet-process/${k}` },
      },
      emulator.env,
    ),
  )
  // the budget is cut a fixed time after every process is logging (they start over seconds on a busy machine)
  let halve: NodeJS.Timeout | undefined
  const waitForAll = setInterval(() => {
    if (children.some((c) => Number.isNaN(c.ackTimes().first))) return
    clearInterval(waitForAll)
    if (s.halveAtMs === undefined) return
    halve = setTimeout(() => {
      halvedAt = Date.now()
      emulator.setThrottle({
        ...budget,
        requestsPerWindow: budget.requestsPerWindow / 2,
        bytesPerWindow: budget.bytesPerWindow / 2,
      })
      log(`${s.name}: budget halved`)
    }, s.halveAtMs)
  }, 100)
  const done = (await Promise.all(children.map((c) => c.done))) as (ChildDone | undefined)[]
  clearInterval(waitForAll)
  clearTimeout(halve)
  const elapsedMs = performance.now() - started
  const used = process.cpuUsage(cpu)
  const busy = performance.eventLoopUtilization(elu).utilization
  const requests = emulator.requests()
  await emulator.close()
  const died = children.filter((_, k) => done[k] === undefined).map((c) => c.process.exitCode ?? c.process.signalCode)
  if (died.length > 0) throw new Error(`${died.length} fleet process(es) died (exit codes ${died.join(', ')})`)
  const results = done as ChildDone[]

  // phases: while every process is logging (processes start over several seconds on a busy machine), from the end
  // of the first window after the last one started
  const acks = children.map((c) => c.ackTimes())
  const allLogging = Math.max(...acks.map((a) => a.first))
  const loggingEnds = Math.min(...acks.map((a) => a.last))
  // the emulator's fixed windows, rebuilt from the request log: a window opens with the first request after the
  // previous one ended; a phase counts the windows that lie wholly inside it
  const windows: { start: number; ok: number; throttled: number }[] = []
  for (const r of requests) {
    const at = r.at.getTime()
    let w = windows[windows.length - 1]
    if (w === undefined || at - w.start >= windowMs) {
      w = { start: at, ok: 0, throttled: 0 }
      windows.push(w)
    }
    if (r.status === 204) w.ok++
    if (r.status === 429) w.throttled++
  }
  if (process.env['FLEET_DEBUG']) log(JSON.stringify(windows.map((w) => [w.start - allLogging, w.ok, w.throttled])))
  // a phase counts the windows wholly inside it from the first window in which the budget ran out (before it, demand
  // was still below the budget: fifty processes fetch their first token for seconds on a busy machine); its rate is
  // their 204s over the real time they span, the gaps between windows included
  const counted = windows.slice(
    Math.max(
      0,
      windows.findIndex((w) => w.throttled > 0),
    ),
  )
  const phase = (label: string, from: number, to: number, perWindow: number): FleetPhase => {
    const inside = counted.filter((w) => w.start >= from && w.start + windowMs <= to)
    const last = inside[inside.length - 1]
    const after = last === undefined ? undefined : windows[windows.indexOf(last) + 1]
    const spanMs = last === undefined ? 0 : Math.max(after?.start ?? 0, last.start + windowMs) - inside[0]!.start
    const ok = inside.reduce((a, w) => a + w.ok, 0)
    return {
      label,
      windows: inside.length,
      acceptedPerSec: spanMs > 0 ? ok / (spanMs / 1000) : 0,
      budgetPerSec: perWindow / (windowMs / 1000),
      throttledPerWindow: inside.length > 0 ? inside.reduce((a, w) => a + w.throttled, 0) / inside.length : 0,
    }
  }
  const phases =
    halvedAt === undefined
      ? [phase('whole run', allLogging, loggingEnds, budget.requestsPerWindow)]
      : [
          phase('before the cut', allLogging, halvedAt, budget.requestsPerWindow),
          phase('after the cut', halvedAt, loggingEnds, budget.requestsPerWindow / 2),
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
    accepted: requests.filter((r) => r.status === 204).length,
    clientAccepted: results.reduce((a, r) => a + Number(r.stats?.requests.byStatus['204'] ?? 0), 0),
    dropped: results.reduce((a, r) => a + (r.stats?.records.dropped ?? 0), 0),
    emulator: {
      requestsPerSec: requests.length / (elapsedMs / 1000),
      cpuMicrosPerRequest: (used.user + used.system) / requests.length,
      eventLoopBusy: busy,
    },
    elapsedMs,
  }
}
