/** The shape of `results.json`, which `RESULTS.md` is rendered from. */
import type { Summary } from './stats.ts'

export interface MetricRow {
  scenario: string
  metric: string
  unit: string
  /** Which way is better, so the ratio can be read. */
  better: 'higher' | 'lower' | 'info'
  ours: Summary
  baselineName?: string
  baseline?: Summary
  /** ours ÷ baseline, of the medians. */
  ratio?: number
}

export interface TargetCheck {
  id: string
  scenario: string
  target: string
  measured: string
  met: boolean
}

export interface AccountingCheck {
  scenario: string
  ok: boolean
  detail: string
}

export interface BenchResults {
  mode: 'full' | 'quick'
  startedAt: string
  durationSeconds: number
  machine: {
    cpuModel: string
    cores: number
    memoryGiB: number
    loadAverageAtStart: number[]
    node: string
    platform: string
  }
  repetitions: number
  config: unknown
  metrics: MetricRow[]
  targets: TargetCheck[]
  accounting: AccountingCheck[]
  /** Raw per-run figures of each contender, for anyone who wants more than the table. */
  runs: Record<string, unknown[]>
}
