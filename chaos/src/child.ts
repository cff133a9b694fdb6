/**
 * A child process: one application logging sequence-numbered records through one adapter at a steady rate, then
 * closing. It tells the parent, after each slice, the last record whose turn has ended (with a spool, that record is
 * on disk), and at the end what was dropped. The parent may `kill -9` it at any moment.
 */
import { cpuUsage, memoryUsage } from 'node:process'
import { DelayMeter } from './child/delays.ts'
import { createDriver, type DropTally } from './child/drivers.ts'
import { bodyFor, type ChildMessage, type ChildTask } from './protocol.ts'

const send = (message: ChildMessage): Promise<void> =>
  new Promise((resolve) => {
    if (process.send === undefined || !process.connected) return resolve()
    process.send(message, undefined, {}, () => resolve())
  })

const main = async (): Promise<void> => {
  const task = JSON.parse(process.argv[2]!) as ChildTask
  const started = performance.now()
  const cpu = cpuUsage()
  const tally: DropTally = { seqs: {}, counts: {} }
  const driver = await createDriver(task, tally)
  const delays = task.measureDelays ? new DelayMeter() : undefined
  let peakRss = memoryUsage.rss()
  const sliceMs = task.sliceMs ?? 10
  const ackEveryMs = task.ackEveryMs ?? 0
  const perSlice = Math.max(1, Math.round((task.ratePerSec * sliceMs) / 1000))
  let lastAck = Number.NEGATIVE_INFINITY
  const end = task.from + task.count
  let next = task.from
  let lastReport = 0
  while (next < end) {
    const sliceStart = performance.now()
    const stop = Math.min(end, next + perSlice)
    delays?.logged(stop - next)
    for (; next < stop; next++) driver.log(bodyFor(task.tag, next))
    // the slice's turn ends here: a spool has written it before this timer fires
    const wait = Math.max(0, sliceMs - (performance.now() - sliceStart))
    await new Promise((resolve) => setTimeout(resolve, wait))
    const now = performance.now()
    if (now - lastAck >= ackEveryMs || next >= end) {
      lastAck = now
      const report = now - lastReport > 100 || next >= end
      if (report) lastReport = now
      await send({ type: 'acked', seq: next - 1, stats: report ? driver.stats() : undefined })
    }
    peakRss = Math.max(peakRss, memoryUsage.rss())
  }
  await driver.close()
  const used = cpuUsage(cpu)
  await send({
    type: 'done',
    pushed: task.count,
    droppedSeqs: tally.seqs,
    droppedCounts: tally.counts,
    stats: driver.stats(),
    peakRssBytes: Math.max(peakRss, memoryUsage.rss()),
    cpuMs: (used.user + used.system) / 1000,
    elapsedMs: performance.now() - started,
    delays: delays?.histogram,
  })
  process.disconnect?.()
}

main().catch((error: unknown) => {
  process.stderr.write(`chaos child failed: ${(error as Error)?.stack ?? String(error)}\n`)
  process.exitCode = 1
})
