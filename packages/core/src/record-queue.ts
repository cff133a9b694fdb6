/**
 * The intake queue: serialised records (JSON text) in push order, bounded by characters and records, with the
 * overflow policy. Records keep their place in the push sequence (`seq`, from 1), so flush() can wait for
 * "everything pushed before me". Sizes are counted in UTF-16 units of the JSON text: one unit per byte for ASCII,
 * what the strings hold in memory, and known without encoding each record.
 */
import type { OverflowPolicy } from './types.js'

export interface QueueLimits {
  /** Characters of JSON held here plus those reserved downstream (pieces and bodies not yet sent). */
  maxChars: number
  maxRecords: number
  overflow: OverflowPolicy
}

/** Records taken from the head, in order. */
export interface Taken {
  readonly jsons: string[]
  /** `TimeGenerated` per record (epoch ms, NaN when absent), when times are tracked. */
  readonly times: number[] | undefined
  readonly firstSeq: number
  /** Σ of the records' lengths. */
  readonly chars: number
}

export type AddResult = { added: true; evicted: Taken | undefined } | { added: false }

/** How much `take()` may take: a size in characters, a record count and a `TimeGenerated` span. */
export interface TakeLimits {
  chars: number
  records: number
  /** Largest span of `TimeGenerated` in the taken records; 0 = any. */
  timeSpanMs: number
}

const EMPTY: readonly string[] = []
/** Overwrites a taken record's slot, so the queue does not keep its text alive. */
const EMPTY_SLOT = ''

export class RecordQueue {
  private _jsons: string[] = []
  private _times: number[] | undefined
  private _head = 0
  private _chars = 0
  private _headSeq = 1
  private _reservedChars = 0
  private _reservedRecords = 0

  /** `trackTimes`: keep each record's `TimeGenerated` for the time-span guard. */
  constructor(
    private readonly _limits: QueueLimits,
    trackTimes: boolean,
  ) {
    if (trackTimes) this._times = []
  }

  /** Records queued here (not reserved). */
  get length(): number {
    return this._jsons.length - this._head
  }

  get chars(): number {
    return this._chars
  }

  /** Seq of the oldest queued record (or of the next one to come, when empty). */
  get headSeq(): number {
    return this._headSeq
  }

  /** Characters queued here plus reserved downstream: what the limits bound. */
  get totalChars(): number {
    return this._chars + this._reservedChars
  }

  get totalRecords(): number {
    return this.length + this._reservedRecords
  }

  /** True when one more record of `chars` would fit without evicting. */
  hasRoom(chars = 0): boolean {
    return this.totalRecords < this._limits.maxRecords && this.totalChars + chars <= this._limits.maxChars
  }

  /** Counts records taken out but not yet sent against the limits. */
  reserve(chars: number, records: number): void {
    this._reservedChars += chars
    this._reservedRecords += records
  }

  release(chars: number, records: number): void {
    this._reservedChars -= chars
    this._reservedRecords -= records
  }

  /** Appends a record, applying the overflow policy when full. */
  add(json: string, time: number): AddResult {
    const chars = json.length
    if (this.hasRoom(chars)) {
      this._push(json, time)
      return { added: true, evicted: undefined }
    }
    if (chars > this._limits.maxChars) return { added: false }
    if (this._limits.overflow !== 'drop-oldest') {
      // full means no room left at all: a record arriving while there is some still gets in (the bound is
      // exceeded by at most that record), so a push right after waitForSpace() resolved is never refused
      if (!this.hasRoom()) return { added: false }
      this._push(json, time)
      return { added: true, evicted: undefined }
    }
    // evict from the head until the record fits. What is reserved downstream (pieces compressing, bodies being
    // filled) cannot be evicted: when only that is left, the newest record is still taken, as drop-oldest
    // promises, and the bound is exceeded by at most those few pieces and bodies
    let n = 0
    let evictedChars = 0
    while (n < this.length && !this._fitsAfterEvicting(evictedChars, n, chars)) {
      evictedChars += this._jsons[this._head + n]!.length
      n++
    }
    const evicted = n > 0 ? this._takeCount(n) : undefined
    this._push(json, time)
    return { added: true, evicted }
  }

  /** Takes records from the head within `limits`; at least one when any is queued and `upToSeq` allows it. */
  take(limits: TakeLimits, upToSeq = Number.POSITIVE_INFINITY): Taken {
    const available = Math.min(this.length, Math.max(0, upToSeq - this._headSeq + 1))
    let n = 0
    let chars = 0
    let min = Number.POSITIVE_INFINITY
    let max = Number.NEGATIVE_INFINITY
    const times = this._times
    while (n < available && n < limits.records) {
      const json = this._jsons[this._head + n]!
      if (n > 0 && chars + json.length + 1 > limits.chars) break
      if (times !== undefined && limits.timeSpanMs > 0) {
        const t = times[this._head + n]!
        if (!Number.isNaN(t)) {
          const lo = Math.min(min, t)
          const hi = Math.max(max, t)
          if (n > 0 && hi - lo > limits.timeSpanMs) break
          min = lo
          max = hi
        }
      }
      chars += json.length + (n > 0 ? 1 : 0)
      n++
    }
    return this._takeCount(n)
  }

  /** Removes and returns everything. */
  drain(): Taken {
    return this._takeCount(this.length)
  }

  private _fitsAfterEvicting(evictedChars: number, evictedRecords: number, chars: number): boolean {
    return (
      this.totalRecords - evictedRecords < this._limits.maxRecords &&
      this.totalChars - evictedChars + chars <= this._limits.maxChars
    )
  }

  private _push(json: string, time: number): void {
    this._jsons.push(json)
    this._times?.push(time)
    this._chars += json.length
  }

  private _takeCount(n: number): Taken {
    const firstSeq = this._headSeq
    if (n === 0) return { jsons: EMPTY as string[], times: undefined, firstSeq, chars: 0 }
    const end = this._head + n
    const jsons = this._jsons.slice(this._head, end)
    const times = this._times?.slice(this._head, end)
    let chars = 0
    for (const j of jsons) chars += j.length
    this._head = end
    this._headSeq += n
    this._chars -= chars
    if (this._head === this._jsons.length) {
      // emptied (the usual case when pieces are cut): start over, so taken records are not kept alive
      this._jsons = []
      if (this._times !== undefined) this._times = []
      this._head = 0
    } else if (this._head > 4096 && this._head * 2 > this._jsons.length) {
      // compact now and then so the arrays do not grow forever
      this._jsons = this._jsons.slice(this._head)
      if (this._times !== undefined) this._times = this._times.slice(this._head)
      this._head = 0
    } else this._jsons.fill(EMPTY_SLOT, end - n, end)
    return { jsons, times, firstSeq, chars }
  }
}
