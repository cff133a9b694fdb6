/**
 * Promises that resolve when a condition holds (checked at each `notify()`), on a deadline, or on abort.
 * Behind flush(), waitForSpace() and close().
 */

export interface WaitOptions {
  timeoutMs?: number | undefined
  signal?: AbortSignal | undefined
}

interface Waiter {
  ready: () => boolean
  finish: (ok: boolean) => void
}

/** setTimeout's largest delay: "no deadline". */
const FOREVER = 2 ** 31 - 1

export class Waiters {
  private _waiting: Waiter[] = []

  /** Resolves true once `ready()` holds, false on the deadline or abort. */
  wait(ready: () => boolean, options: WaitOptions = {}): Promise<boolean> {
    if (ready()) return Promise.resolve(true)
    if (options.signal?.aborted) return Promise.resolve(false)
    return new Promise<boolean>((resolve) => {
      const finish = (ok: boolean): void => {
        clearTimeout(timer)
        options.signal?.removeEventListener('abort', onAbort)
        this._waiting = this._waiting.filter((w) => w !== waiter)
        resolve(ok)
      }
      const onAbort = (): void => finish(false)
      const waiter: Waiter = { ready, finish }
      this._waiting.push(waiter)
      // referenced on purpose: while someone awaits, the process must not exit under them because the
      // library's own timers (linger, backoff) are unref'd
      const timer = setTimeout(() => finish(false), Math.min(FOREVER, Math.max(0, options.timeoutMs ?? FOREVER)))
      options.signal?.addEventListener('abort', onAbort, { once: true })
    })
  }

  /** Resolves the waiters whose condition now holds. */
  notify(): void {
    if (this._waiting.length === 0) return
    for (const w of [...this._waiting]) if (w.ready()) w.finish(true)
  }

  /** Resolves every waiter with false. */
  cancel(): void {
    for (const w of [...this._waiting]) w.finish(false)
  }
}
