/**
 * The durable spool with a client: records reach disk as they are accepted, delivered segments go away, leftovers
 * are replayed first on the next start, overflow spills to disk instead of dropping.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { decodeCheckpoint } from '../../src/spool/format.ts'
import { collectWarnings, hanging, ok, range, recording, spooledClient, tempDir } from './helpers.ts'

const segmentFiles = (dir: string) => readdirSync(dir).filter((f) => f.startsWith('seg-'))

let warnings: ReturnType<typeof collectWarnings> | undefined
afterEach(() => warnings?.stop())

describe('spool', () => {
  it('writes each accepted record to a segment by the end of the turn, and leaves an empty directory once all is delivered', async () => {
    const dir = join(tempDir(), 'created', 'spool')
    const { transport, delivered } = recording()
    const { client, drops } = spooledClient(dir, transport)
    for (const i of range(0, 500)) client.push({ i, Body: `record ${i}` })
    await Promise.resolve() // the turn's microtasks: the batch is written
    const [segment] = segmentFiles(dir)
    // records may hold personal data: only the owner may read them
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    expect(statSync(join(dir, segment!)).mode & 0o777).toBe(0o600)
    expect(statSync(join(dir, 'checkpoint')).mode & 0o777).toBe(0o600)
    const text = readFileSync(join(dir, segment!), 'latin1')
    expect(text.startsWith('DCRLSPL1')).toBe(true)
    expect(text).toContain('"Body":"record 499"')
    expect((await client.flush()).settled).toBe(true)
    await client.close()
    expect(delivered).toEqual(range(0, 500))
    expect(drops).toEqual([])
    expect(readdirSync(dir)).toEqual([])
  })

  it('keeps what close() could not deliver, not as dropped, and the next client sends those first', async () => {
    const dir = tempDir()
    const first = spooledClient(dir, hanging)
    for (const i of range(0, 300)) first.client.push({ i })
    const closed = await first.client.close({ timeoutMs: 200 })
    expect(closed.settled).toBe(false)
    expect(first.drops).toEqual([])
    const kept = first.client.stats()
    expect(kept.records.dropped).toBe(0)
    expect(kept.spool!.keptAtClose).toBe(300)
    expect(segmentFiles(dir).length).toBeGreaterThan(0)

    const { transport, delivered } = recording()
    const second = spooledClient(dir, transport)
    for (const i of range(300, 400)) second.client.push({ i })
    expect((await second.client.flush()).settled).toBe(true)
    await second.client.close()
    // leftovers first, then this process's records
    expect(delivered).toEqual(range(0, 400))
    const stats = second.client.stats()
    expect(stats.spool).toMatchObject({ replayed: 300, corrupt: 0 })
    // the first client had the first batch in a request when it gave up: those may be duplicates
    expect(stats.spool!.possibleDuplicates).toBeGreaterThan(0)
    expect(stats.spool!.possibleDuplicates).toBeLessThanOrEqual(300)
    expect(readdirSync(dir)).toEqual([])
  })

  it('abandon() at process exit keeps what is pending in the spool, counts none of it as lost, and the next client sends it', async () => {
    const dir = tempDir()
    const first = spooledClient(dir, hanging)
    for (const i of range(0, 300)) first.client.push({ i })
    await new Promise((r) => setTimeout(r, 50)) // a request is under way, the rest queued
    // what an exit hook does: synchronous, nothing may wait
    expect(first.client.abandon('process exited')).toBe(0)
    expect(first.drops).toEqual([])
    expect(first.client.stats().spool!.keptAtClose).toBe(300)

    const { transport, delivered } = recording()
    const second = spooledClient(dir, transport)
    expect((await second.client.flush()).settled).toBe(true)
    await second.client.close()
    expect(delivered).toEqual(range(0, 300))
  })

  it('with routes, each route keeps its own spool (a subdirectory), and each replays its own leftovers', async () => {
    const dir = tempDir()
    const routes = [{ name: 'audit', match: { field: { path: 'audit', equals: true } }, streamName: 'Custom-Audit' }]
    const first = spooledClient(dir, hanging, { routes })
    for (const i of range(0, 100)) first.client.push({ i, audit: i % 2 === 0 })
    await first.client.close({ timeoutMs: 200 })
    expect(first.drops).toEqual([])
    expect(first.client.stats().routes!['audit']!.spool).toMatchObject({
      dir: join(dir, 'route-audit'),
      keptAtClose: 50,
    })
    expect(first.client.stats().routes!['default']!.spool).toMatchObject({ dir, keptAtClose: 50 })

    const { transport, delivered } = recording()
    const second = spooledClient(dir, transport, { routes })
    expect((await second.client.flush()).settled).toBe(true)
    await second.client.close()
    expect(delivered.sort((a, b) => a - b)).toEqual(range(0, 100))
    const routeStats = second.client.stats().routes!
    expect(routeStats['audit']!.spool!.replayed).toBe(50)
    expect(routeStats['default']!.spool!.replayed).toBe(50)
  })

  it('replays nothing that was delivered before a restart', async () => {
    const dir = tempDir()
    const { transport } = recording()
    const first = spooledClient(dir, transport)
    for (const i of range(0, 200)) first.client.push({ i })
    await first.client.flush()
    // no close(): as if the process died here (the lock names this live pid, so release it like a crash would)
    const again = recording()
    const second = spooledClient(dir, again.transport)
    await second.client.flush()
    await second.client.close()
    expect(again.delivered).toEqual([])
    expect(second.client.stats().spool!.replayed).toBe(0)
  })

  it('a restart never moves the checkpoint back over records an earlier process settled', async () => {
    const dir = tempDir()
    const first = spooledClient(dir, recording().transport)
    for (const i of range(0, 20_000)) first.client.push({ i, Body: 'x'.repeat(100) })
    await first.client.flush()
    // a crash: the segment stays, its checkpoint says all are settled
    const settled = decodeCheckpoint(readFileSync(join(dir, 'checkpoint')))!.unsettled
    const second = spooledClient(dir, hanging)
    second.client.push({ i: -1 })
    // the leftovers are read (and skipped) a chunk at a time, with progress recorded in between
    let lowest = Number.POSITIVE_INFINITY
    for (let k = 0; k < 100; k++) {
      await new Promise((resolve) => setImmediate(resolve))
      lowest = Math.min(lowest, decodeCheckpoint(readFileSync(join(dir, 'checkpoint')))!.unsettled)
    }
    expect(lowest).toBeGreaterThanOrEqual(settled)
    await second.client.close({ timeoutMs: 50 })
    expect(second.client.stats().spool!.replayed).toBe(0)
  })

  it('spills to disk when memory is full instead of dropping, and delivers everything in order', async () => {
    const dir = tempDir()
    let release!: () => void
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const { transport, delivered } = recording(async () => {
      await gate
      return ok
    })
    const { client, drops } = spooledClient(dir, transport, { maxBufferRecords: 50, overflow: 'drop-newest' })
    for (const i of range(0, 2_000)) expect(client.push({ i, Body: 'x'.repeat(40) })).toBe(true)
    expect(client.stats().spool!.spilled).toBeGreaterThan(1_000)
    release()
    expect((await client.flush({ timeoutMs: 20_000 })).settled).toBe(true)
    await client.close()
    expect(drops).toEqual([])
    expect(delivered).toEqual(range(0, 2_000))
    expect(client.stats().records).toMatchObject({ accepted: 2_000, delivered: 2_000, dropped: 0 })
  })

  it('falls back to memory with a warning when the directory cannot be used, and still delivers', async () => {
    const parent = tempDir()
    const { writeFileSync } = await import('node:fs')
    writeFileSync(join(parent, 'file'), 'not a directory')
    warnings = collectWarnings()
    const { transport, delivered } = recording()
    const { client, drops } = spooledClient(join(parent, 'file', 'spool'), transport)
    for (const i of range(0, 100)) client.push({ i })
    await client.close()
    expect(delivered).toEqual(range(0, 100))
    expect(drops).toEqual([])
    expect(client.stats().spool!.state).toBe('memory')
    expect(warnings.messages.join('\n')).toMatch(/spool directory .* cannot be used .*kept in memory only/)
    expect(client.stats().lastError?.message).toMatch(/kept in memory only/)
  })

  it('refuses a directory another live process holds, and runs in memory with a warning', async () => {
    const dir = tempDir()
    const { spawn } = await import('node:child_process')
    const { writeFileSync } = await import('node:fs')
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30_000)'])
    try {
      writeFileSync(join(dir, 'lock'), String(other.pid))
      warnings = collectWarnings()
      const { transport, delivered } = recording()
      const { client } = spooledClient(dir, transport)
      client.push({ i: 1 })
      await client.close()
      expect(delivered).toEqual([1])
      expect(client.stats().spool!.state).toBe('memory')
      expect(warnings.messages.join('\n')).toContain(`is used by process ${other.pid}`)
      expect(segmentFiles(dir)).toEqual([])
    } finally {
      other.kill()
    }
  })

  it("takes over a dead process's lock (what kill -9 leaves)", async () => {
    const dir = tempDir()
    const { spawnSync } = await import('node:child_process')
    const { writeFileSync } = await import('node:fs')
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString()
    writeFileSync(join(dir, 'lock'), gone)
    const { transport, delivered } = recording()
    const { client } = spooledClient(dir, transport)
    client.push({ i: 7 })
    await client.close()
    expect(client.stats().spool!.state).toBe('disk')
    expect(delivered).toEqual([7])
    expect(existsSync(join(dir, 'lock'))).toBe(false)
  })
})
