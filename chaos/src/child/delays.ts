/**
 * Delivery delay per record, seen from the application: the time from logging a record to the 204 of the request
 * that carried it. Core sends bodies in logging order, so records are matched first-in first-out with the record
 * counts of successful requests (`dcr-logs:request`); with two requests in flight, a body that completes before an
 * older one takes the older one's times, which moves delays between records but not the distribution's tail by
 * more than one request.
 */
import { subscribe } from 'node:diagnostics_channel'
import { DIAGNOSTIC_CHANNELS, type RequestEvent } from '@dcr-logs/core'

/** Delays rounded to 10 ms → records. */
export type DelayHistogram = Record<number, number>

export class DelayMeter {
  private readonly _slices: { time: number; count: number }[] = []
  private _head = 0
  readonly histogram: DelayHistogram = {}

  constructor() {
    subscribe(DIAGNOSTIC_CHANNELS.request, (message) => {
      const e = message as RequestEvent
      if (typeof e.status === 'number' && e.status >= 200 && e.status < 300) this._delivered(e.records)
    })
  }

  logged(count: number): void {
    this._slices.push({ time: performance.now(), count })
  }

  private _delivered(records: number): void {
    const now = performance.now()
    let left = records
    while (left > 0 && this._head < this._slices.length) {
      const slice = this._slices[this._head]!
      const n = Math.min(left, slice.count)
      const bucket = Math.round((now - slice.time) / 10) * 10
      this.histogram[bucket] = (this.histogram[bucket] ?? 0) + n
      slice.count -= n
      left -= n
      if (slice.count === 0) this._head++
    }
  }
}

/** The q-quantile (0–1) of merged histograms, in ms. */
export const quantile = (histograms: readonly DelayHistogram[], q: number): number => {
  const merged = new Map<number, number>()
  let total = 0
  for (const h of histograms)
    for (const [k, v] of Object.entries(h)) {
      merged.set(Number(k), (merged.get(Number(k)) ?? 0) + v)
      total += v
    }
  const keys = [...merged.keys()].sort((a, b) => a - b)
  let seen = 0
  for (const k of keys) {
    seen += merged.get(k)!
    if (seen >= q * total) return k
  }
  return Number.NaN
}
