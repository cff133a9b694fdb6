/** Scenario 5 (an outage at a steady logging rate) and scenario 6 (latency from the log call to the stored row). */
import { createLogsIngestionClient } from '@dcr-logs/core'
import { atRate, coreFigures, epochMs, settleAfterWarmup, startMeasure } from '../measure.ts'
import type { ChildResult, Task } from '../protocol.ts'
import { createRecordSource } from '../records.ts'

const num = (task: Task, key: string): number => {
  const v = task.params[key]
  if (typeof v !== 'number') throw new Error(`task.params.${key} must be a number (got ${String(v)})`)
  return v
}

export const outage = async (task: Task, phase: (p: 'outage-start' | 'outage-end') => Promise<void>) => {
  const rate = num(task, 'rate')
  const maxBufferBytes = num(task, 'maxBufferBytes')
  const maxBufferRecords = num(task, 'maxBufferRecords')
  const client = createLogsIngestionClient({ maxBufferBytes, maxBufferRecords, maxDelayMs: num(task, 'maxDelayMs') })
  const source = createRecordSource()
  let calls = 0
  let refused = 0
  const push = (i: number) => {
    calls++
    if (!client.push(source.columns(i))) refused++
  }
  const m = startMeasure()
  // steady state first, so the baseline RSS includes a working client at this rate
  let next = await atRate(rate, num(task, 'warmupMs'), push)
  // live heap (after a full GC, the runner starts this child with --expose-gc): what is really retained, as
  // opposed to RSS, which also holds garbage V8 has not collected yet
  const gc = (globalThis as { gc?: () => void }).gc
  gc?.()
  const steadyLiveHeap = process.memoryUsage().heapUsed
  // the RSS baseline after that GC: the growth then counts everything above a clean steady state (conservative)
  const baselineRss = process.memoryUsage.rss()
  const deliveredBefore = client.stats().records.delivered
  await phase('outage-start')
  let peakRss = baselineRss
  // peaks per half of the outage: a bounded buffer plateaus, so the second half must not climb above the first
  const halves = [baselineRss, baselineRss]
  let peakHeapUsed = 0
  let peakQueuedBytes = 0
  let peakQueued = 0
  const outageStart = performance.now()
  const outageMs = num(task, 'outageMs')
  const sampler = setInterval(() => {
    const mem = process.memoryUsage()
    peakRss = Math.max(peakRss, mem.rss)
    const half = performance.now() - outageStart < outageMs / 2 ? 0 : 1
    halves[half] = Math.max(halves[half]!, mem.rss)
    peakHeapUsed = Math.max(peakHeapUsed, mem.heapUsed)
    const s = client.stats()
    peakQueuedBytes = Math.max(peakQueuedBytes, s.queuedBytes)
    peakQueued = Math.max(peakQueued, s.records.queued + s.records.inFlight)
  }, 50)
  next += await atRate(rate, num(task, 'outageMs'), push, next)
  const deliveredDuringOutage = client.stats().records.delivered - deliveredBefore
  const backlog = client.stats().records.queued + client.stats().records.inFlight
  gc?.()
  const outageLiveHeap = process.memoryUsage().heapUsed
  await phase('outage-end')
  clearInterval(sampler)
  const recoveredAt = performance.now()
  // after the outage: keep logging at the same rate and watch the backlog drain
  let firstDeliveryMs = Number.NaN
  let drainedMs = Number.NaN
  const deliveredAtRecovery = client.stats().records.delivered
  const steady = rate * 0.5 // a steady state holds about lingerMs (default 1 s) of records at most, half is drained
  const watcher = setInterval(() => {
    const s = client.stats()
    const t = performance.now() - recoveredAt
    if (Number.isNaN(firstDeliveryMs) && s.records.delivered > deliveredAtRecovery) firstDeliveryMs = t
    if (Number.isNaN(drainedMs) && s.records.queued + s.records.inFlight <= steady) drainedMs = t
  }, 10)
  next += await atRate(rate, num(task, 'afterMs'), push, next)
  clearInterval(watcher)
  const afterWindowMs = performance.now() - recoveredAt
  const deliveredAfter = client.stats().records.delivered - deliveredAtRecovery
  const flushed = await client.flush({ timeoutMs: 120_000 })
  const totalMs = m.elapsed()
  if (!flushed.settled) throw new Error(`flush() did not settle: ${flushed.pending} pending`)
  const stats = client.stats()
  await client.close()
  return m.finish('outage', {
    calls,
    totalMs,
    core: coreFigures(stats),
    extra: {
      refused,
      pushed: next,
      steadyRssBytes: baselineRss,
      peakRssDuringOutageBytes: peakRss,
      rssGrowthBytes: peakRss - baselineRss,
      rssGrowthFirstHalfBytes: halves[0]! - baselineRss,
      rssGrowthSecondHalfBytes: halves[1]! - baselineRss,
      peakHeapUsedBytes: peakHeapUsed,
      liveHeapGrowthBytes: gc === undefined ? Number.NaN : outageLiveHeap - steadyLiveHeap,
      peakQueuedBytes,
      peakQueuedRecords: peakQueued,
      maxBufferBytes,
      maxBufferRecords,
      deliveredDuringOutage,
      backlogAtRecovery: backlog,
      firstDeliveryAfterRecoveryMs: firstDeliveryMs,
      backlogDrainedAfterMs: drainedMs,
      deliveredInAfterWindow: deliveredAfter,
      afterWindowMs,
      deliveryRateAfterRecovery: deliveredAfter / (afterWindowMs / 1000),
    },
  })
}

export const latency = async (task: Task): Promise<ChildResult> => {
  const rate = num(task, 'rate')
  const lingerMs = task.params['lingerMs']
  const client = createLogsIngestionClient(typeof lingerMs === 'number' ? { lingerMs } : {})
  const source = createRecordSource()
  // warm-up: one record, so the token and the TLS session are not in the first sample
  client.push(source.columns(-1))
  await client.flush()
  await settleAfterWarmup()
  const m = startMeasure()
  const calls = await atRate(rate, num(task, 'durationMs'), (i) => {
    const record = source.columns(i)
    ;(record['Attributes'] as Record<string, unknown>)['bench.sentAt'] = epochMs()
    client.push(record)
  })
  const flushed = await client.flush({ timeoutMs: 60_000 })
  const totalMs = m.elapsed()
  if (!flushed.settled) throw new Error(`flush() did not settle: ${flushed.pending} pending`)
  const stats = client.stats()
  await client.close()
  return m.finish('latency', {
    calls,
    totalMs,
    core: coreFigures(stats),
    extra: { warmupRecords: 1, rate, lingerMs: typeof lingerMs === 'number' ? lingerMs : -1 },
  })
}
