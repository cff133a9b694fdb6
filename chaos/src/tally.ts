/**
 * Counts what landed, from the emulator's rows: each row's `Body` carries its run tag and sequence number.
 * Rows are drained every few seconds (read, then the emulator is reset and the fault plan put back), so a run of
 * millions of records does not keep millions of rows.
 */
import type { Emulator, FaultPlan, RequestRecord } from '@dcr-logs/test-harness'
import { seqIn } from './protocol.ts'

const TABLE = 'AppLogs_CL'

export class RowTally {
  /** Rows seen per sequence number, per tag. */
  private readonly _seen = new Map<string, Map<number, number>>()
  private _plan: FaultPlan | undefined
  private _drains = 0
  private _timer: NodeJS.Timeout | undefined
  readonly requests = { total: 0, byStatus: {} as Record<string, number>, byFault: {} as Record<string, number> }

  constructor(private readonly _emulator: Emulator) {}

  /** Sets the fault plan (kept across drains). */
  setFaults(plan: FaultPlan | undefined): void {
    this._plan = plan
    this._emulator.setFaults(plan)
  }

  start(everyMs = 3_000): void {
    this._timer ??= setInterval(() => this.drain(), everyMs)
  }

  stop(): void {
    clearInterval(this._timer)
    this._timer = undefined
    this.drain()
  }

  drain(): void {
    const rows = this._emulator.rows<{ Body: string }>(TABLE)
    const requests = this._emulator.requests()
    this._emulator.reset()
    // the plan goes back with the next seed: the same seed would replay the same faults in every window (the k-th
    // request of each would always meet the same fate), which is no chaos at all
    if (this._plan !== undefined)
      this._emulator.setFaults({ ...this._plan, seed: (this._plan.seed ?? 1) + ++this._drains })
    for (const r of requests) this._countRequest(r)
    for (const row of rows) {
      const colon = row.Body.lastIndexOf(':')
      const tag = row.Body.slice(0, colon)
      const seq = seqIn(tag, row.Body)
      if (seq === undefined) continue
      const seen = this._seen.get(tag) ?? new Map<number, number>()
      this._seen.set(tag, seen)
      seen.set(seq, (seen.get(seq) ?? 0) + 1)
    }
  }

  private _countRequest(r: RequestRecord): void {
    this.requests.total++
    this.requests.byStatus[r.status] = (this.requests.byStatus[r.status] ?? 0) + 1
    if (r.fault !== undefined) this.requests.byFault[r.fault] = (this.requests.byFault[r.fault] ?? 0) + 1
  }

  /** Sequence numbers of `tag` and how often each landed. */
  seen(tag: string): ReadonlyMap<number, number> {
    return this._seen.get(tag) ?? new Map()
  }
}

export interface Accounting {
  /** Records logged. */
  logged: number
  /** Distinct records that landed. */
  delivered: number
  /** Rows beyond the first of a record. */
  duplicates: number
  /** Some of the duplicated sequence numbers. */
  duplicateSample: number[]
  /** Reported dropped, by reason. */
  dropped: Record<string, number>
  /** Neither landed nor reported: must be 0. */
  lost: number
  lostSample: number[]
}

/**
 * Checks every logged record against the rows and the drop reports: delivered, reported, or lost. With only counts
 * reported (pino's worker), lost = logged − delivered − reported.
 */
export const account = (
  seen: ReadonlyMap<number, number>,
  from: number,
  to: number,
  droppedSeqs: Record<string, number[]>,
  droppedCounts: Record<string, number>,
): Accounting => {
  let delivered = 0
  let duplicates = 0
  const duplicateSample: number[] = []
  for (const [seq, n] of seen) {
    if (seq < from || seq >= to) continue
    delivered++
    if (n > 1) {
      duplicates += n - 1
      if (duplicateSample.length < 10) duplicateSample.push(seq)
    }
  }
  const reported = new Set<number>()
  const dropped: Record<string, number> = { ...droppedCounts }
  for (const [reason, seqs] of Object.entries(droppedSeqs)) {
    dropped[reason] = (dropped[reason] ?? 0) + seqs.length
    for (const s of seqs) reported.add(s)
  }
  const countedOnly = Object.values(droppedCounts).reduce((a, b) => a + b, 0)
  const lostSample: number[] = []
  let lost = 0
  for (let seq = from; seq < to; seq++) {
    if (seen.has(seq) || reported.has(seq)) continue
    lost++
    if (lostSample.length < 10) lostSample.push(seq)
  }
  // records reported by count only cannot be matched one by one
  lost = Math.max(0, lost - countedOnly)
  return {
    logged: to - from,
    delivered,
    duplicates,
    duplicateSample,
    dropped,
    lost,
    lostSample: lost > 0 ? lostSample : [],
  }
}
