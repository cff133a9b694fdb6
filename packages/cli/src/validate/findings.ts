/**
 * What `validate` reports, and how findings about sample lines are gathered: one finding per distinct problem,
 * with the line numbers it was met on (so 10,000 lines with the same typo make one line of output). Pure.
 */

export type Severity = 'error' | 'warning' | 'info'

export interface Finding {
  readonly severity: Severity
  /** Stable identifier: the service's code where it has one (`InvalidColumnName`), else ours (`UndeclaredField`). */
  readonly code: string
  /** Where: a path in the DCR, or the sample file. */
  readonly where: string
  readonly message: string
  /** Sample lines the problem was met on (the first few), and how many in all. */
  readonly lines?: readonly number[]
  readonly count?: number
}

const KEEP_LINES = 5

interface Gathered {
  finding: Omit<Finding, 'lines' | 'count'>
  lines: number[]
  count: number
}

/** Collects findings about sample lines, keyed by what went wrong. */
export class FindingGatherer {
  private readonly _byKey = new Map<string, Gathered>()

  /** Adds one occurrence; the first occurrence of a key fixes the message. */
  add(key: string, line: number, finding: () => Omit<Finding, 'lines' | 'count'>): void {
    let g = this._byKey.get(key)
    if (g === undefined) {
      g = { finding: finding(), lines: [], count: 0 }
      this._byKey.set(key, g)
    }
    g.count++
    if (g.lines.length < KEEP_LINES) g.lines.push(line)
  }

  findings(): Finding[] {
    return [...this._byKey.values()].map((g) => ({ ...g.finding, lines: g.lines, count: g.count }))
  }
}

/** Errors first, then warnings, then notes; order of discovery within each. */
export const sortFindings = (findings: readonly Finding[]): Finding[] => {
  const rank: Record<Severity, number> = { error: 0, warning: 1, info: 2 }
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => rank[a.f.severity] - rank[b.f.severity] || a.i - b.i)
    .map(({ f }) => f)
}
