/** What a command may touch: the only module that knows about `process`. Commands get it injected, tests fake it. */
import type { Readable } from 'node:stream'

/** A text sink such as `process.stdout`; `isTTY` and `columns` are set when it is a terminal. */
export interface Output {
  write(text: string): unknown
  readonly isTTY?: boolean
  readonly columns?: number
}

export interface Io {
  readonly stdout: Output
  readonly stderr: Output
  readonly stdin: Readable & { readonly isTTY?: boolean }
  /** Directory relative paths are resolved against. */
  readonly cwd: string
  readonly env: Readonly<Record<string, string | undefined>>
  /** Epoch milliseconds. */
  readonly now: () => number
  /**
   * Calls `handler` on the first SIGINT or SIGTERM until the returned function is called; a second signal exits
   * at once (128 + its number), for a user who does not want to wait for the last batches.
   */
  readonly onInterrupt: (handler: (signal: NodeJS.Signals) => void) => () => void
}

/** The real process. */
export const processIo = (): Io => ({
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  cwd: process.cwd(),
  env: process.env,
  now: Date.now,
  onInterrupt: (handler) => {
    let received = false
    const listener = (signal: NodeJS.Signals) => {
      if (received) process.exit(128 + (signal === 'SIGINT' ? 2 : 15))
      received = true
      handler(signal)
    }
    process.on('SIGINT', listener)
    process.on('SIGTERM', listener)
    return () => {
      process.off('SIGINT', listener)
      process.off('SIGTERM', listener)
    }
  },
})
