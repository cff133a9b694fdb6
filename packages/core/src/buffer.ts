import type { OverflowPolicy } from './types.js'

/** One serialised record waiting to be packed. */
export interface Entry {
  /** The record's JSON text. */
  readonly json: string
  /** UTF-8 length of `json`. */
  readonly bytes: number
  /** Push order, from 1. */
  readonly seq: number
  /** `TimeGenerated` in epoch ms, when the time-span guard needs it. */
  readonly time?: number
}

export interface BufferLimits {
  maxBytes: number
  maxRecords: number
  overflow: OverflowPolicy
}

export type AddResult = { added: true; evicted: readonly Entry[] } | { added: false }

/**
 * A FIFO of serialised records bounded by bytes and records. O(1) add and take.
 * When full: `drop-oldest` evicts from the head until the new record fits; `drop-newest` and `wait` refuse it
 * (with `wait`, callers are expected to `await waitForSpace()` before pushing).
 */
export class BoundedBuffer {
  private _items: Entry[] = []
  private _head = 0
  private _bytes = 0
  /** Records taken out for packing but not yet sent still count against the limits. */
  private _reservedBytes = 0
  private _reservedRecords = 0

  constructor(private readonly _limits: BufferLimits) {}

  get length(): number {
    return this._items.length - this._head
  }

  get bytes(): number {
    return this._bytes
  }

  /** Records and bytes held here plus those reserved by the packer. */
  get totalRecords(): number {
    return this.length + this._reservedRecords
  }

  get totalBytes(): number {
    return this._bytes + this._reservedBytes
  }

  /** True when one more record of `bytes` would fit without evicting. */
  hasRoom(bytes = 0): boolean {
    return this.totalRecords < this._limits.maxRecords && this.totalBytes + bytes <= this._limits.maxBytes
  }

  /** Counts records that left the queue for a body not yet sent. */
  reserve(bytes: number, records: number): void {
    this._reservedBytes += bytes
    this._reservedRecords += records
  }

  release(bytes: number, records: number): void {
    this._reservedBytes -= bytes
    this._reservedRecords -= records
  }

  add(entry: Entry): AddResult {
    if (this.hasRoom(entry.bytes)) {
      this._push(entry)
      return { added: true, evicted: [] }
    }
    if (this._limits.overflow !== 'drop-oldest' || entry.bytes > this._limits.maxBytes) return { added: false }
    const evicted: Entry[] = []
    while (this.length > 0 && !this.hasRoom(entry.bytes)) evicted.push(this.shift()!)
    this._push(entry)
    return { added: true, evicted }
  }

  peek(): Entry | undefined {
    return this._items[this._head]
  }

  shift(): Entry | undefined {
    if (this._head >= this._items.length) return undefined
    const entry = this._items[this._head]!
    this._items[this._head] = undefined as unknown as Entry
    this._head++
    this._bytes -= entry.bytes
    // compact now and then so the array does not grow forever
    if (this._head > 1024 && this._head * 2 > this._items.length) {
      this._items = this._items.slice(this._head)
      this._head = 0
    }
    return entry
  }

  /** Puts an entry back at the head (it did not fit the current body). */
  unshift(entry: Entry): void {
    if (this._head > 0) this._items[--this._head] = entry
    else this._items.unshift(entry)
    this._bytes += entry.bytes
  }

  /** Removes and returns everything. */
  drain(): Entry[] {
    const all = this._items.slice(this._head)
    this._items = []
    this._head = 0
    this._bytes = 0
    return all
  }

  private _push(entry: Entry): void {
    this._items.push(entry)
    this._bytes += entry.bytes
  }
}
