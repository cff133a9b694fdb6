/**
 * The chaos suite's short mode (`pnpm chaos --short`): every adapter in its own process under faults, tokens that
 * expire every few seconds and an outage; then twenty kill -9 of a process logging through a spool. Nothing may
 * be lost: every record lands or is reported dropped with a reason. Runs the built child (turbo builds first).
 */
import { describe, expect, it } from 'vitest'
import { CHAOS_SHORT, runChaos } from '../src/chaos-run.ts'
import { KILL_SHORT, runKillLoop } from '../src/kill-loop.ts'

describe('chaos (short mode)', () => {
  it('every adapter: each record delivered or reported with its reason, duplicates counted', async () => {
    const results = await runChaos(CHAOS_SHORT)
    expect(results.map((r) => r.adapter)).toEqual(['core', 'winston', 'pino', 'opentelemetry'])
    for (const r of results) {
      expect(r.lost, `${r.adapter}: lost ${r.lostSample.join(', ')}`).toBe(0)
      const dropped = Object.values(r.dropped).reduce((a, b) => a + b, 0)
      expect(r.delivered + dropped, r.adapter).toBeGreaterThanOrEqual(r.logged)
      // the faults really happened: failed requests beside the successful ones
      expect(r.requests.total - (r.requests.byStatus['204'] ?? 0), r.adapter).toBeGreaterThan(0)
    }
  })

  it('kill -9 twenty times at random moments with a spool: zero lost, duplicates counted', async () => {
    const r = await runKillLoop(KILL_SHORT)
    expect(r.kills).toBe(20)
    expect(r.acknowledged).toBeGreaterThan(1_000)
    expect(r.lost, `lost: ${r.lostSample.join(', ')}`).toBe(0)
    expect(r.delivered).toBe(r.acknowledged)
    expect(r.dropped).toBe(0)
    // the kills really left records behind, and later children sent them
    expect(r.replayed).toBeGreaterThan(0)
  })
})
