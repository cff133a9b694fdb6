/** Small statistics for repeated runs: median, spread, percentiles. */

export const median = (values: readonly number[]): number => percentile(values, 50)

/** Nearest-rank percentile (p in 0–100) of unsorted values; NaN for none. */
export const percentile = (values: readonly number[], p: number): number => {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  if (p === 50 && sorted.length % 2 === 0) {
    const mid = sorted.length / 2
    return (sorted[mid - 1]! + sorted[mid]!) / 2
  }
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank]!
}

export interface Summary {
  median: number
  min: number
  max: number
  /** (max − min) ÷ median: how much the repetitions disagree. */
  spread: number
  runs: number[]
}

export const summarize = (runs: readonly number[]): Summary => {
  const m = median(runs)
  const min = Math.min(...runs)
  const max = Math.max(...runs)
  return { median: m, min, max, spread: m === 0 ? 0 : (max - min) / Math.abs(m), runs: [...runs] }
}
