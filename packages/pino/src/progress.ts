/**
 * Whether every line written to the source so far has been pushed to core, so `flush` and `close` can include
 * lines still in the source's buffers (thread-stream answers FLUSH as soon as the worker has *read* the shared
 * buffer, before the `for await` loop has taken the lines).
 */
import type { Transform } from 'node:stream'

export interface Progress {
  /** The loop holds a line (mapping it, or waiting for room in core's buffer). */
  busy: boolean
  attach(source: Transform): void
  /** The loop is done with the line it held. */
  leave(): void
  /** The loop ended: nothing will be waited for any more. */
  end(): void
  readonly ended: boolean
  /** Resolves once nothing is buffered and no line is held, or after `timeoutMs`; `false` on timeout. */
  whenIdle(timeoutMs: number): Promise<boolean>
  /** Resolves once no line is held (buffered lines aside), or after `timeoutMs`; `false` on timeout. */
  whenNotBusy(timeoutMs: number): Promise<boolean>
}

interface Waiter {
  ready: () => boolean
  resolve: (ok: boolean) => void
}

export function createProgress(): Progress {
  let source: Transform | undefined
  let ended = false
  let waiters: Waiter[] = []
  const idle = () =>
    ended || source === undefined || (!state.busy && source.readableLength === 0 && source.writableLength === 0)
  const notBusy = () => ended || !state.busy
  const release = () => {
    if (waiters.length === 0) return
    const still: Waiter[] = []
    for (const w of waiters) w.ready() ? w.resolve(true) : still.push(w)
    waiters = still
  }
  const wait = (ready: () => boolean, timeoutMs: number): Promise<boolean> => {
    if (ready()) return Promise.resolve(true)
    return new Promise((resolve) => {
      const waiter: Waiter = {
        ready,
        resolve: (ok) => {
          clearTimeout(timer)
          resolve(ok)
        },
      }
      const timer = setTimeout(() => {
        waiters = waiters.filter((w) => w !== waiter)
        resolve(false)
      }, timeoutMs)
      timer.unref()
      waiters.push(waiter)
    })
  }
  const state: Progress = {
    busy: false,
    attach(s) {
      source = s
    },
    leave() {
      state.busy = false
      release()
    },
    end() {
      ended = true
      release()
    },
    get ended() {
      return ended
    },
    whenIdle: (timeoutMs) => wait(idle, timeoutMs),
    whenNotBusy: (timeoutMs) => wait(notBusy, timeoutMs),
  }
  return state
}
