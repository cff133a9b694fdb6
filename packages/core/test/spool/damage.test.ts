/**
 * What a crash, a bad disk or a full disk leaves behind: a torn tail, a flipped byte, a foreign file, a torn
 * checkpoint, ENOSPC. Each is reported and skipped, never a crash, and nothing readable is lost.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { collectWarnings, hanging, ok, range, recording, spooledClient, tempDir } from './helpers.ts'

let warnings: ReturnType<typeof collectWarnings> | undefined
afterEach(() => warnings?.stop())

/** A spool left by a client that could deliver nothing: `count` records kept in one segment. */
const leftover = async (count: number, body = 'x'.repeat(100)) => {
  const dir = tempDir()
  const first = spooledClient(dir, hanging)
  for (const i of range(0, count)) first.client.push({ i, Body: body })
  await first.client.close({ timeoutMs: 50 })
  const [segment] = readdirSync(dir).filter((f) => f.startsWith('seg-'))
  return { dir, segment: join(dir, segment!) }
}

const replay = async (dir: string) => {
  warnings = collectWarnings()
  const { transport, delivered } = recording()
  const { client, drops } = spooledClient(dir, transport)
  expect((await client.flush({ timeoutMs: 10_000 })).settled).toBe(true)
  await client.close()
  return { delivered, drops, stats: client.stats(), warnings: warnings.messages.join('\n') }
}

describe('a damaged spool', () => {
  it('a torn last record (the writer was killed mid-write) is skipped with a report; the rest is sent', async () => {
    const { dir, segment } = await leftover(100)
    truncateSync(segment, readFileSync(segment).length - 5)
    const r = await replay(dir)
    expect(r.delivered).toEqual(range(0, 99))
    expect(r.stats.spool).toMatchObject({ corrupt: 1, replayed: 99 })
    expect(r.warnings).toMatch(/damaged at byte \d+: its last record is incomplete/)
  })

  it('a checksum mismatch skips the rest of that segment with a report', async () => {
    const { dir, segment } = await leftover(100)
    const data = readFileSync(segment)
    const at = data.indexOf('{"i":50,')
    data[at + 3] = 'j'.charCodeAt(0)
    writeFileSync(segment, data)
    const r = await replay(dir)
    expect(r.delivered).toEqual(range(0, 50))
    expect(r.stats.spool!.corrupt).toBe(1)
    expect(r.stats.spool!.skippedBytes).toBeGreaterThan(50 * 100)
    expect(r.warnings).toMatch(/a checksum mismatch/)
    expect(r.drops).toEqual([])
  })

  it('a file that is not a segment is skipped with a report, and new records still flow', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'seg-0000000001.log'), 'garbage that is no spool segment')
    warnings = collectWarnings()
    const { transport, delivered } = recording()
    const { client } = spooledClient(dir, transport)
    for (const i of range(0, 10)) client.push({ i })
    expect((await client.flush()).settled).toBe(true)
    await client.close()
    expect(delivered).toEqual(range(0, 10))
    expect(warnings.messages.join('\n')).toMatch(/does not start with the spool header/)
    expect(readdirSync(dir)).toEqual([])
  })

  it('a torn checkpoint replays whole segments: more, never less', async () => {
    const { dir } = await leftover(40)
    writeFileSync(join(dir, 'checkpoint'), Buffer.from('torn'))
    const r = await replay(dir)
    expect(r.delivered).toEqual(range(0, 40))
    expect(r.stats.spool!.corrupt).toBe(0)
  })

  it('disk full: falls back to memory with a warning, loses nothing', async (ctx) => {
    const dir = join(tempDir(), 'small')
    mkdirSync(dir)
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=128k', 'tmpfs', dir], { stdio: 'ignore' })
    } catch {
      // a tmpfs of a known size needs root (CI and these machines run as root)
      ctx.skip()
    }
    try {
      warnings = collectWarnings()
      let open = false
      const { transport, delivered } = recording(async () => {
        while (!open) await new Promise((r) => setTimeout(r, 5))
        return ok
      })
      const { client, drops } = spooledClient(dir, transport, { maxBufferRecords: 100 })
      // 600 records of ~1 KB: the first fill memory, the rest spill until the 128 KiB disk is full
      for (const i of range(0, 600)) {
        client.push({ i, Body: 'y'.repeat(1_000) })
        if (i % 50 === 49) await new Promise((r) => setImmediate(r))
      }
      expect(client.stats().spool!.state).toBe('memory')
      expect(warnings.messages.join('\n')).toMatch(/writing to the spool .* failed .*ENOSPC/)
      open = true
      await client.close({ timeoutMs: 20_000 })
      const lost = range(0, 600).filter((i) => !delivered.includes(i))
      const dropped = drops.flatMap((d) => d.records.map((r) => (JSON.parse(r) as { i: number }).i))
      // every record delivered or reported (memory is bounded: some may be reported buffer-full)
      expect(lost.sort((a, b) => a - b)).toEqual(dropped.sort((a, b) => a - b))
      expect(drops.every((d) => d.reason === 'buffer-full')).toBe(true)
      expect(delivered.length + dropped.length).toBe(600)
      expect(delivered.length).toBeGreaterThanOrEqual(100)
    } finally {
      execFileSync('umount', [dir])
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('a full spool (maxBytes) leaves records to the memory buffer and its overflow policy', async () => {
    const dir = tempDir()
    const { client, drops } = spooledClient(dir, hanging, {
      spool: { dir, maxBytes: 1024 * 1024 },
      maxBufferRecords: 100,
      overflow: 'drop-newest',
    })
    for (const i of range(0, 3_000)) client.push({ i, Body: 'z'.repeat(1_000) })
    await new Promise((r) => setImmediate(r))
    const stats = client.stats()
    expect(stats.spool!.state).toBe('disk')
    expect(stats.spool!.bytes).toBeLessThanOrEqual(1024 * 1024)
    expect(stats.records.dropped).toBeGreaterThan(0)
    expect(drops.every((d) => d.reason === 'buffer-full')).toBe(true)
    await client.close({ timeoutMs: 50 })
  })
})
