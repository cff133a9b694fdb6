/** What every scenario shares: the run context, running a counted child, and recording metrics. */
import type { Emulator } from '@dcr-logs/test-harness'
import type { BenchConfig } from './config.ts'
import type { ChildResult, Task } from './protocol.ts'
import type { AccountingCheck, MetricRow, TargetCheck } from './results.ts'
import { runChild } from './runner.ts'
import { summarize } from './stats.ts'

export const TABLE = 'AppLogs_CL'
export const MIB = 1_048_576
/** Core's cap on a body as sent, and the service's. */
export const MAX_REQUEST_BYTES = 1_048_576

export interface Context {
  config: BenchConfig
  /** Throughput emulator: throttling off, rows counted but not kept. */
  counting: Emulator
  /** Latency emulator: throttling off, rows kept (they carry the send time). */
  retaining: Emulator
  /** Throughput emulator of scenario 1: checks each request's framing and discards its records, so the client is measured. */
  discarding: Emulator
  metrics: MetricRow[]
  targets: TargetCheck[]
  accounting: AccountingCheck[]
  runs: Record<string, unknown[]>
  log: (line: string) => void
}

export const cpuMs = (r: ChildResult): number => (r.cpuUserUs + r.cpuSystemUs) / 1000
export const rate = (r: ChildResult): number => r.calls / (r.totalMs / 1000)
export const fmt = (n: number, digits = 0): string =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '—'

/** What the emulator saw since `sinceEpochMs` (arrival time). */
export const requestFigures = (emulator: Emulator, sinceEpochMs: number) => {
  const all = emulator.requests().filter((r) => r.at.getTime() >= Math.floor(sinceEpochMs))
  const ok = all.filter((r) => r.status === 204)
  const sent = ok.reduce((s, r) => s + r.sentBytes, 0)
  const raw = ok.reduce((s, r) => s + r.uncompressedBytes, 0)
  return {
    requests: all.length,
    accepted: ok.length,
    rawBytes: raw,
    averageSentBytes: ok.length === 0 ? 0 : sent / ok.length,
    maxSentBytes: ok.reduce((m, r) => Math.max(m, r.sentBytes), 0),
    averageFill: ok.length === 0 ? 0 : sent / ok.length / MAX_REQUEST_BYTES,
    below90: ok.filter((r) => r.sentBytes < 0.9 * MAX_REQUEST_BYTES).length,
    compressionRatio: sent === 0 ? 0 : raw / sent,
  }
}

export const record = (ctx: Context, key: string, value: unknown) => {
  const list = ctx.runs[key] ?? []
  list.push(value)
  ctx.runs[key] = list
}

/** Runs a contender against an emulator that was just reset, and checks that every record landed. */
export const runCounted = async (
  ctx: Context,
  task: Task,
  expectRows: (r: ChildResult) => number,
  timeoutMs: number,
) => {
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

export const push = (
  ctx: Context,
  row: Omit<MetricRow, 'ours' | 'baseline' | 'ratio'>,
  ours: number[],
  base?: number[],
) => {
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
export const pair = async <T>(rep: number, a: () => Promise<T>, b: () => Promise<T>): Promise<[T, T]> => {
  if (rep % 2 === 0) {
    const x = await a()
    return [x, await b()]
  }
  const y = await b()
  return [await a(), y]
}
