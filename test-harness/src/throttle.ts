/**
 * Per-DCR rate budgets, as the service enforces them (service limits: 12,000 requests and 2 GB per minute per DCR),
 * answered with 429 and Retry-After. Fixed windows per DCR; pure (the clock is passed in).
 */

/** Budgets per DCR. Scale them down (or shorten the window) to exercise throttling in tests. */
export interface ThrottleOptions {
  /** Requests accepted per window and DCR. @defaultValue `THROTTLE_DEFAULTS.requestsPerWindow` */
  requestsPerWindow?: number
  /** Body bytes (uncompressed) accepted per window and DCR. @defaultValue `THROTTLE_DEFAULTS.bytesPerWindow` */
  bytesPerWindow?: number
  /** Window length, ms. @defaultValue `THROTTLE_DEFAULTS.windowMs` */
  windowMs?: number
}

export const THROTTLE_DEFAULTS: Required<ThrottleOptions> = {
  requestsPerWindow: 12_000,
  bytesPerWindow: 2 * 1024 ** 3,
  windowMs: 60_000,
}

export type ThrottleDecision =
  | { ok: true }
  | { ok: false; retryAfterSeconds: number; limit: 'requests' | 'bytes'; budget: number; windowMs: number }

interface Window {
  start: number
  requests: number
  bytes: number
}

export class Throttle {
  private readonly _windows = new Map<string, Window>()
  settings: Required<ThrottleOptions>

  constructor(options: ThrottleOptions) {
    this.settings = { ...THROTTLE_DEFAULTS, ...options }
  }

  /** New budgets from now on; the current windows keep what they already counted. */
  configure(options: ThrottleOptions): void {
    this.settings = { ...THROTTLE_DEFAULTS, ...options }
  }

  private _window(ruleId: string, now: number): Window {
    let w = this._windows.get(ruleId)
    if (w === undefined || now - w.start >= this.settings.windowMs) {
      w = { start: now, requests: 0, bytes: 0 }
      this._windows.set(ruleId, w)
    }
    return w
  }

  /** Counts a request against the DCR's budget, or refuses it when a budget is spent. */
  admit(ruleId: string, now: number): ThrottleDecision {
    const w = this._window(ruleId, now)
    const { requestsPerWindow, bytesPerWindow, windowMs } = this.settings
    const retryAfterSeconds = Math.max(1, Math.ceil((w.start + windowMs - now) / 1000))
    if (w.requests >= requestsPerWindow) {
      return { ok: false, retryAfterSeconds, limit: 'requests', budget: requestsPerWindow, windowMs }
    }
    if (w.bytes >= bytesPerWindow)
      return { ok: false, retryAfterSeconds, limit: 'bytes', budget: bytesPerWindow, windowMs }
    w.requests++
    return { ok: true }
  }

  /** Adds a request's decoded bytes to the DCR's byte budget. */
  addBytes(ruleId: string, bytes: number, now: number): void {
    this._window(ruleId, now).bytes += bytes
  }

  /** Each DCR's current window, for the dashboard: what it used and when the window ends. */
  snapshot(now: number): ThrottleWindow[] {
    const { windowMs } = this.settings
    return [...this._windows]
      .filter(([, w]) => now - w.start < windowMs)
      .map(([ruleId, w]) => ({ ruleId, requests: w.requests, bytes: w.bytes, endsAt: new Date(w.start + windowMs) }))
  }

  reset(): void {
    this._windows.clear()
  }
}

/** A DCR's use of its budgets in the current window. */
export interface ThrottleWindow {
  ruleId: string
  requests: number
  bytes: number
  endsAt: Date
}
