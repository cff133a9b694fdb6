/** Starts a child process (`dist/child.mjs`) for one task and follows its messages. */
import { type ChildProcess, fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { LogsIngestionStats } from '@dcr-logs/core'
import type { ChildMessage, ChildTask } from './protocol.ts'

export type ChildDone = Extract<ChildMessage, { type: 'done' }>

export interface RunningChild {
  readonly process: ChildProcess
  /** The child's summary, or undefined when it died first (killed, crashed). */
  readonly done: Promise<ChildDone | undefined>
  /** Last sequence number the child acknowledged (-1 before the first). */
  readonly acked: () => number
  /** When the child acknowledged its first and its latest slice (epoch ms; NaN before the first). */
  readonly ackTimes: () => { first: number; last: number }
  /** Stats of the child's client, as last reported. */
  readonly lastStats: () => LogsIngestionStats | undefined
}

// dist/child.mjs, from src/ (tests) and from the bundle in dist/ alike
const CHILD = fileURLToPath(new URL('../dist/child.mjs', import.meta.url))

export const spawnChild = (task: ChildTask, env: Record<string, string>): RunningChild => {
  const child = fork(CHILD, [JSON.stringify(task)], {
    env: { ...process.env, ...env },
    // not the test runner's flags (its export conditions point workspace packages at their TypeScript sources)
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  let acked = task.from - 1
  let stats: LogsIngestionStats | undefined
  let firstAck = Number.NaN
  let lastAck = Number.NaN
  let summary: ChildDone | undefined
  child.on('message', (m: ChildMessage) => {
    if (m.type === 'acked') {
      acked = m.seq
      lastAck = Date.now()
      if (Number.isNaN(firstAck)) firstAck = lastAck
      if (m.stats !== undefined) stats = m.stats
    } else summary = m
  })
  // 'close', not 'exit': messages still in the IPC channel arrive before it
  const done = new Promise<ChildDone | undefined>((resolve) => child.once('close', () => resolve(summary)))
  return {
    process: child,
    done,
    acked: () => acked,
    lastStats: () => stats,
    ackTimes: () => ({ first: firstAck, last: lastAck }),
  }
}
