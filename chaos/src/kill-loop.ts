/**
 * The kill -9 loop: a child logs through core with a spool and is killed with SIGKILL at a random moment, again and
 * again; each new child opens the same spool, replays what its predecessor left, and goes on logging. A last child
 * drains the spool and closes. Every record a child acknowledged (its turn had ended) must land: zero lost.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEmulator } from '@dcr-logs/test-harness'
import { CHAOS_PLAN } from './plans.ts'
import { spawnChild } from './spawn.ts'
import { RowTally } from './tally.ts'

export interface KillLoopSettings {
  kills: number
  ratePerSec: number
  /** Each child lives a random time in this range before its SIGKILL. */
  minLifeMs: number
  maxLifeMs: number
  seed: number
}

export const KILL_SHORT: KillLoopSettings = { kills: 20, ratePerSec: 4_000, minLifeMs: 300, maxLifeMs: 1_200, seed: 14 }
export const KILL_LONG: KillLoopSettings = {
  kills: 20,
  ratePerSec: 20_000,
  minLifeMs: 1_000,
  maxLifeMs: 8_000,
  seed: 14,
}

export interface KillLoopResult {
  kills: number
  /** Records acknowledged by the children: each must land. */
  acknowledged: number
  /** Logged after the last acknowledgement of a killed child: they may or may not land (not counted as lost). */
  unacknowledgedLanded: number
  delivered: number
  lost: number
  lostSample: number[]
  /** Rows beyond the first of a record, counted from the emulator's rows. */
  duplicates: number
  /** Σ of `stats().spool.possibleDuplicates` the children reported after their replays (an upper bound). */
  possibleDuplicatesReported: number
  replayed: number
  dropped: number
  elapsedMs: number
}

const seeded = (seed: number): (() => number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), a | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/** Child k logs from k × RANGE up, so what a killed child logged unacknowledged never collides with the next. */
const RANGE = 1_000_000_000

export const runKillLoop = async (
  settings: KillLoopSettings,
  log: (line: string) => void = () => {},
): Promise<KillLoopResult> => {
  const started = performance.now()
  const random = seeded(settings.seed)
  const emulator = await startEmulator({ tokenLifetimeSeconds: 5, throttle: false })
  const tally = new RowTally(emulator)
  tally.setFaults(CHAOS_PLAN)
  tally.start()
  const dir = mkdtempSync(join(tmpdir(), 'dcr-logs-kill-loop-'))
  const tag = 'kill'
  /** Per child: [first seq, last acknowledged seq]. */
  const promised: [number, number][] = []
  let possibleDuplicates = 0
  let replayed = 0
  let dropped = 0
  try {
    for (let k = 0; k <= settings.kills; k++) {
      const last = k === settings.kills
      const from = k * RANGE
      const child = spawnChild(
        {
          adapter: 'core',
          from,
          // the last child logs a little, then closes: it drains what the others left
          count: last ? 100 : RANGE,
          ratePerSec: settings.ratePerSec,
          tag,
          closeTimeoutMs: 60_000,
          options: { spool: { dir, maxBytes: 512 * 1024 * 1024 }, maxDelayMs: 2_000, lingerMs: 200 },
        },
        emulator.env,
      )
      if (!last) {
        const life = settings.minLifeMs + random() * (settings.maxLifeMs - settings.minLifeMs)
        await new Promise((resolve) => setTimeout(resolve, life))
        child.process.kill('SIGKILL')
      }
      const done = await child.done
      if (last && done === undefined) throw new Error(`the last child died (exit code ${child.process.exitCode})`)
      const stats = done?.stats ?? child.lastStats()
      possibleDuplicates += stats?.spool?.possibleDuplicates ?? 0
      replayed += stats?.spool?.replayed ?? 0
      dropped += stats?.records.dropped ?? 0
      promised.push([from, child.acked()])
      log(`child ${k}: ${child.acked() - from + 1} records acknowledged${last ? ', closed' : ', then SIGKILL'}`)
    }
  } finally {
    tally.stop()
    await emulator.close()
    rmSync(dir, { recursive: true, force: true })
  }
  const seen = tally.seen(tag)
  let acknowledged = 0
  let delivered = 0
  let lost = 0
  const lostSample: number[] = []
  for (const [from, to] of promised) {
    for (let seq = from; seq <= to; seq++) {
      acknowledged++
      if (seen.has(seq)) delivered++
      else {
        lost++
        if (lostSample.length < 10) lostSample.push(seq)
      }
    }
  }
  let duplicates = 0
  let unacknowledgedLanded = 0
  for (const [seq, n] of seen) {
    duplicates += n - 1
    const [from, to] = promised[Math.floor(seq / RANGE)] ?? [0, -1]
    if (seq < from || seq > to) unacknowledgedLanded++
  }
  return {
    kills: settings.kills,
    acknowledged,
    unacknowledgedLanded,
    delivered,
    lost,
    lostSample,
    duplicates,
    possibleDuplicatesReported: possibleDuplicates,
    replayed,
    dropped,
    elapsedMs: performance.now() - started,
  }
}
