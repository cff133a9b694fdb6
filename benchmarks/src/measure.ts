/** Measuring helpers used inside a child process (each contender has a process of its own). */
import { setImmediate as yieldToLoop } from 'node:timers/promises'
import type { LogsIngestionStats } from '@dcr-logs/core'
import type { ChildResult, ContenderName } from './protocol.ts'

export { yieldToLoop }

/**
 * Waits out the warm-up before a measurement starts. The runner tells the warm-up's requests from the measured
 * ones by comparing the emulator's clock with this process's start time, and two processes' clocks can differ by
 * a few milliseconds on a loaded machine: without a gap, a warm-up request could count as measured.
 */
export const settleAfterWarmup = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 100))

/** Wall clock in epoch ms with sub-millisecond precision, comparable across processes on one machine. */
export const epochMs = (): number => performance.timeOrigin + performance.now()

/** Starts measuring this process: CPU from here, peak RSS since start (the process is fresh). */
export const startMeasure = () => {
  const cpu0 = process.cpuUsage()
  const baselineRssBytes = process.memoryUsage.rss()
  const t0 = performance.now()
  return {
    t0,
    startedAtEpochMs: epochMs(),
    elapsed: (): number => performance.now() - t0,
    finish(
      contender: ContenderName,
      fields: Omit<ChildResult, 'contender' | 'cpuUserUs' | 'cpuSystemUs' | 'peakRssBytes' | 'baselineRssBytes'>,
    ): ChildResult {
      const cpu = process.cpuUsage(cpu0)
      return {
        contender,
        ...fields,
        cpuUserUs: cpu.user,
        cpuSystemUs: cpu.system,
        peakRssBytes: process.resourceUsage().maxRSS * 1024,
        baselineRssBytes,
      }
    },
  }
}

/** Core's counters in the shape the runner checks. */
export const coreFigures = (s: LogsIngestionStats): NonNullable<ChildResult['core']> => ({
  accepted: s.records.accepted,
  delivered: s.records.delivered,
  dropped: s.records.dropped,
  droppedByReason: { ...s.droppedByReason } as Record<string, number>,
  requests: s.requests.total,
  averageFill: s.averageFill,
  bytesSent: s.bytes.sent,
})

/** Calls `body(i)` for i in [0, n) in slices, yielding to the event loop between slices as a busy app would. */
export const inSlices = async (
  n: number,
  slice: number,
  body: (i: number) => void,
): Promise<{ insideMs: number; wallMs: number }> => {
  let insideMs = 0
  const start = performance.now()
  for (let i = 0; i < n; ) {
    const end = Math.min(n, i + slice)
    const t = performance.now()
    for (; i < end; i++) body(i)
    insideMs += performance.now() - t
    await yieldToLoop()
  }
  return { insideMs, wallMs: performance.now() - start }
}

/** Runs `push` at `ratePerSecond` for `durationMs` on timers, catching up after late ticks like a steady app. */
export const atRate = async (
  ratePerSecond: number,
  durationMs: number,
  push: (i: number) => void,
  startIndex = 0,
): Promise<number> => {
  const start = performance.now()
  let done = 0
  for (;;) {
    const elapsed = Math.min(durationMs, performance.now() - start)
    const due = Math.floor((ratePerSecond * elapsed) / 1000)
    while (done < due) push(startIndex + done++)
    if (elapsed >= durationMs) return done
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}
