/** The spool's pure parts: frames, checkpoints, positions and the `spool` option. */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isLogsIngestionError, resolveOptions } from '../../src/index.ts'
import {
  decodeCheckpoint,
  decodeFrame,
  encodeCheckpoint,
  encodeFrames,
  FRAME_HEADER_BYTES,
  position,
} from '../../src/spool/format.ts'
import { PositionRuns } from '../../src/spool/runs.ts'
import { base } from './helpers.ts'

describe('frames', () => {
  it('property: any records round-trip; any truncation is partial; any flipped byte is caught', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'grapheme', maxLength: 200 }), { minLength: 1, maxLength: 20 }),
        fc.array(fc.oneof(fc.double(), fc.constant(Number.NaN)), { minLength: 20, maxLength: 20 }),
        fc.nat(),
        (texts, times, cut) => {
          const jsons = texts.map((t) => JSON.stringify({ t }))
          const { data, ends } = encodeFrames(jsons, times)
          let at = 0
          for (let i = 0; i < jsons.length; i++) {
            const f = decodeFrame(data, at)
            expect(f).toMatchObject({ kind: 'record', json: jsons[i] })
            if (f.kind === 'record') expect(Object.is(f.time, times[i]) || f.time === times[i]).toBe(true)
            at = ends[i]!
          }
          const end = cut % ends[0]!
          expect(decodeFrame(data.subarray(0, end), 0).kind).toBe('partial')
          const flipped = Buffer.from(data)
          const byte = 4 + (cut % (ends[0]! - 4))
          flipped[byte]! ^= 0x01
          expect(decodeFrame(flipped, 0).kind).not.toBe('record')
        },
      ),
      { seed: 14, numRuns: 300 },
    )
  })

  it('an absurd length is corruption, not an allocation', () => {
    const b = Buffer.alloc(FRAME_HEADER_BYTES)
    b.writeUInt32LE(0xffff_ffff, 0)
    expect(decodeFrame(b, 0)).toMatchObject({ kind: 'corrupt' })
  })
})

describe('checkpoint', () => {
  it('round-trips, and refuses anything torn or altered', () => {
    const cp = { unsettled: position(3, 17), unsent: position(4, 2) }
    const b = encodeCheckpoint(cp)
    expect(decodeCheckpoint(b)).toEqual(cp)
    for (let i = 0; i < b.length; i++) {
      const torn = Buffer.from(b)
      torn[i]! ^= 0xff
      expect(decodeCheckpoint(torn)).toBeUndefined()
    }
    expect(decodeCheckpoint(b.subarray(0, 20))).toBeUndefined()
  })
})

describe('position runs', () => {
  it('maps queue seqs to positions across runs and gaps', () => {
    const runs = new PositionRuns()
    runs.add(1, 1, 0)
    runs.add(2, 1, 1)
    runs.add(3, 1, 2)
    // seq 4–5 in memory only; 6.. from segment 2
    runs.add(6, 2, 0, 10)
    expect(runs.positionAt(2)).toBe(position(1, 1))
    expect(runs.positionAt(4)).toBe(position(2, 0))
    expect(runs.positionAt(16)).toBeUndefined()
    expect(runs.seqOf(position(2, 9))).toBe(15)
    runs.trimBelow(6)
    expect(runs.seqOf(position(1, 2))).toBeUndefined()
    expect(runs.positionAt(1)).toBe(position(2, 0))
  })
})

describe('the spool option', () => {
  it('is off unless a dir is given; reads DCR_LOGS_SPOOL_DIR and DCR_LOGS_SPOOL_MAX_BYTES', () => {
    expect(resolveOptions(base, {}).spool).toBeUndefined()
    expect(resolveOptions({ ...base, spool: false }, { DCR_LOGS_SPOOL_DIR: '/tmp/x' }).spool).toBeUndefined()
    expect(resolveOptions(base, { DCR_LOGS_SPOOL_DIR: 'rel/dir', DCR_LOGS_SPOOL_MAX_BYTES: '2097152' }).spool).toEqual({
      dir: `${process.cwd()}/rel/dir`,
      maxBytes: 2_097_152,
    })
    expect(resolveOptions({ ...base, spool: { dir: '/s' } }, {}).spool).toEqual({ dir: '/s', maxBytes: 1024 ** 3 })
  })

  it.each([
    [{ dir: '' }, /spool\.dir/],
    [{ dir: '/s', maxBytes: 10 }, /spool\.maxBytes.*at least 1048576/],
    ['/s', /"spool".*\{ dir:/],
  ])('%j → a clear INVALID_OPTIONS error', (spool, message) => {
    try {
      resolveOptions({ ...base, spool: spool as never }, {})
      expect.unreachable()
    } catch (error) {
      expect(isLogsIngestionError(error) && error.code).toBe('INVALID_OPTIONS')
      expect((error as Error).message).toMatch(message)
    }
  })

  it('names the environment variable when it is the bad value', () => {
    expect(() => resolveOptions(base, { DCR_LOGS_SPOOL_DIR: '/s', DCR_LOGS_SPOOL_MAX_BYTES: 'lots' })).toThrow(
      /DCR_LOGS_SPOOL_MAX_BYTES/,
    )
  })
})
