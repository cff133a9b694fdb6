/**
 * A chaos run: for each adapter, a child process logs sequence-numbered records at a steady rate through the
 * emulator under CHAOS_PLAN, with tokens expiring every few seconds and an outage in the middle. Every record must
 * land or be reported dropped with a reason; duplicates are counted from the rows.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { LogsIngestionClientOptions } from '@dcr-logs/core'
import { startEmulator } from '@dcr-logs/test-harness'
import { CHAOS_PLAN, OUTAGE_PLAN } from './plans.ts'
import type { Adapter } from './protocol.ts'
import { spawnChild } from './spawn.ts'
import { type Accounting, account, RowTally } from './tally.ts'

export interface ChaosSettings {
  adapters: Adapter[]
  /** Records per adapter. */
  records: number
  ratePerSec: number
  /** When the outage starts after the child starts, and how long it lasts. */
  outageAtMs: number
  outageMs: number
  tokenLifetimeSeconds: number
  /** Core options of each child: short runs send smaller requests (more requests meet faults) and back off less. */
  options: LogsIngestionClientOptions
}

export const CHAOS_SHORT: ChaosSettings = {
  adapters: ['core', 'winston', 'pino', 'opentelemetry'],
  records: 4_000,
  ratePerSec: 1_000,
  outageAtMs: 1_000,
  outageMs: 3_000,
  tokenLifetimeSeconds: 5,
  options: { maxDelayMs: 2_000, lingerMs: 100, maxRecordsPerRequest: 200 },
}

export const CHAOS_LONG: ChaosSettings = {
  adapters: ['core', 'winston', 'pino', 'opentelemetry'],
  records: 1_000_000,
  ratePerSec: 5_000,
  outageAtMs: 30_000,
  outageMs: 120_000,
  tokenLifetimeSeconds: 5,
  options: { maxDelayMs: 10_000 },
}

export interface ChaosResult extends Accounting {
  adapter: Adapter
  elapsedMs: number
  peakRssBytes: number
  requests: RowTally['requests']
  /** What the client's stats say it delivered (counts each duplicate delivery once more). */
  clientDelivered: number | undefined
  spilled: number | undefined
  /** The emulator's (this process's) CPU per request and event-loop use during the adapter's run. */
  emulator: { cpuMicrosPerRequest: number; eventLoopBusy: number }
}

export const runChaos = async (
  settings: ChaosSettings,
  log: (line: string) => void = () => {},
): Promise<ChaosResult[]> => {
  const emulator = await startEmulator({ tokenLifetimeSeconds: settings.tokenLifetimeSeconds, throttle: false })
  const results: ChaosResult[] = []
  try {
    for (const adapter of settings.adapters) {
      const tally = new RowTally(emulator)
      tally.drain()
      tally.setFaults(CHAOS_PLAN)
      tally.start()
      // the emulator runs in this process: its CPU and event-loop use show it kept up (the client is measured)
      const cpu = process.cpuUsage()
      const elu = performance.eventLoopUtilization()
      const spoolDir = mkdtempSync(join(tmpdir(), `dcr-logs-chaos-${adapter}-`))
      const tag = `chaos-${adapter}`
      const child = spawnChild(
        {
          adapter,
          from: 0,
          count: settings.records,
          ratePerSec: settings.ratePerSec,
          tag,
          closeTimeoutMs: 60_000,
          // the spool takes what the memory buffer cannot hold during the outage
          options: { ...settings.options, spool: { dir: spoolDir, maxBytes: 2 * 1024 ** 3 } },
        },
        emulator.env,
      )
      let restore: NodeJS.Timeout | undefined
      const outage = setTimeout(() => {
        log(`${adapter}: outage for ${settings.outageMs / 1000} s`)
        tally.setFaults(OUTAGE_PLAN)
        restore = setTimeout(() => tally.setFaults(CHAOS_PLAN), settings.outageMs)
      }, settings.outageAtMs)
      const done = await child.done
      clearTimeout(outage)
      clearTimeout(restore)
      tally.stop()
      const used = process.cpuUsage(cpu)
      const busy = performance.eventLoopUtilization(elu).utilization
      rmSync(spoolDir, { recursive: true, force: true })
      if (done === undefined) throw new Error(`the ${adapter} child died (exit code ${child.process.exitCode})`)
      const accounting = account(tally.seen(tag), 0, settings.records, done.droppedSeqs, done.droppedCounts)
      results.push({
        adapter,
        ...accounting,
        elapsedMs: done.elapsedMs,
        peakRssBytes: done.peakRssBytes,
        requests: tally.requests,
        clientDelivered: done.stats?.records.delivered,
        spilled: done.stats?.spool?.spilled,
        emulator: {
          cpuMicrosPerRequest: (used.user + used.system) / Math.max(1, tally.requests.total),
          eventLoopBusy: busy,
        },
      })
      log(
        `${adapter}: ${accounting.delivered}/${accounting.logged} delivered, ${accounting.duplicates} duplicates, dropped ${JSON.stringify(accounting.dropped)}, lost ${accounting.lost}`,
      )
    }
  } finally {
    await emulator.close()
  }
  return results
}
