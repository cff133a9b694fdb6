/**
 * A child process that runs one contender once and reports what it measured about itself. One process per run
 * keeps CPU time and peak RSS to that contender alone; the emulator lives in the runner and is not counted.
 */
import { latency, outage } from './contenders/delivery.ts'
import { otelRun, pinoRun, winstonRun } from './contenders/frameworks.ts'
import { coreThroughput, limitTwoCores, sdkThroughput } from './contenders/throughput.ts'
import type { ChildMessage, ChildResult, ParentMessage, Task } from './protocol.ts'

const send = (message: ChildMessage): Promise<void> =>
  new Promise((resolve, reject) => process.send!(message, undefined, {}, (e) => (e ? reject(e) : resolve())))

let ackWaiter: (() => void) | undefined
const phase = async (p: 'outage-start' | 'outage-end'): Promise<void> => {
  const acked = new Promise<void>((resolve) => {
    ackWaiter = resolve
  })
  await send({ type: 'phase', phase: p })
  await acked
}

const run = (task: Task): Promise<ChildResult> => {
  switch (task.contender) {
    case 'core-throughput':
      return coreThroughput(task)
    case 'sdk-throughput':
      return sdkThroughput(task)
    case 'limit-2core':
      return limitTwoCores(task)
    case 'pino-dcr-logs':
      return pinoRun(task, 'dcr-logs')
    case 'pino-file':
      return pinoRun(task, 'file')
    case 'winston-dcr-logs':
      return winstonRun(task, 'dcr-logs')
    case 'winston-noop':
      return winstonRun(task, 'noop')
    case 'otel-dcr-logs':
      return otelRun(task, 'dcr-logs')
    case 'otel-memory':
      return otelRun(task, 'memory')
    case 'outage':
      return outage(task, phase)
    case 'latency':
      return latency(task)
  }
}

if (process.send === undefined) {
  process.stderr.write(
    'child.mjs runs one benchmark contender for the runner; start the benchmarks with `pnpm bench`.\n',
  )
  process.exit(2)
}

process.on('message', (message: ParentMessage) => {
  if (message.type === 'phase-ack') {
    ackWaiter?.()
    return
  }
  run(message.task)
    .then((result) => send({ type: 'result', result }))
    .catch((e: unknown) => {
      const error = e instanceof Error ? e : new Error(String(e))
      return send({ type: 'error', message: error.message, ...(error.stack !== undefined && { stack: error.stack }) })
    })
    .finally(() => process.disconnect())
})
