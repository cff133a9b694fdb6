import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { epochMsToIso, epochToMs, hrTimeToIso, toIsoTime } from '../../src/index.ts'

const MS = 1_704_164_645_678 // 2024-01-02T03:04:05.678Z

describe('toIsoTime', () => {
  it('returns canonical toISOString() text as it is', () => {
    const text = '2024-01-02T03:04:05.678Z'
    expect(toIsoTime(text)).toBe(text)
  })

  it('reads ISO 8601 with a zone or an offset, and dates alone as UTC midnight', () => {
    expect(toIsoTime('2024-01-02T03:04:05+01:00')).toBe('2024-01-02T02:04:05.000Z')
    expect(toIsoTime('2024-01-02 03:04:05 +0100')).toBe('2024-01-02T02:04:05.000Z')
    expect(toIsoTime('2024-01-02T03:04:05.123456789Z')).toBe('2024-01-02T03:04:05.123Z')
    expect(toIsoTime('2024-01-02')).toBe('2024-01-02T00:00:00.000Z')
  })

  it('reads date-times without a zone as local time, as fecha prints them', () => {
    expect(toIsoTime('2024-01-02 03:04:05')).toBe(new Date(2024, 0, 2, 3, 4, 5).toISOString())
    expect(toIsoTime('2024-01-02 03:04:05,250')).toBe(new Date(2024, 0, 2, 3, 4, 5, 250).toISOString())
    expect(toIsoTime('Jan-02-2024 03:04:05')).toBe(new Date(2024, 0, 2, 3, 4, 5).toISOString())
  })

  it('reads epoch seconds, milliseconds, microseconds and nanoseconds by magnitude, as numbers, bigints and text', () => {
    const iso = '2024-01-02T03:04:05.678Z'
    expect(toIsoTime(MS)).toBe(iso)
    expect(toIsoTime(MS / 1000)).toBe(iso)
    expect(toIsoTime(MS * 1000)).toBe(iso)
    expect(toIsoTime(BigInt(MS) * 1_000_000n)).toBe(iso)
    expect(toIsoTime(String(MS))).toBe(iso)
    expect(toIsoTime('1704164645')).toBe('2024-01-02T03:04:05.000Z')
    expect(toIsoTime(new Date(MS))).toBe(iso)
  })

  it('reads RFC 7231 and Date#toString text', () => {
    expect(toIsoTime('Tue, 02 Jan 2024 03:04:05 GMT')).toBe('2024-01-02T03:04:05.000Z')
    const d = new Date('2024-01-02T03:04:05Z')
    expect(toIsoTime(d.toString())).toBe(d.toISOString())
  })

  it('refuses what it could only guess, negative epochs and years past 9999', () => {
    const refused = ['03:04:05', '02/01/2024 03:04', 'hello 5', '', '20240102', 'soon', -1, 1e20 * 1e6, Number.NaN]
    for (const value of [...refused, {}, [], null, undefined, new Date(Number.NaN), '2024-13-45T00:00:00.000Z']) {
      expect(toIsoTime(value), String(value)).toBeUndefined()
    }
  })

  it('agrees with Date for every epoch millisecond in range, whatever the unit it is given in', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1974, 0, 1), max: Date.UTC(5000, 0, 1) }), (ms) => {
        const iso = new Date(ms).toISOString()
        expect(toIsoTime(ms)).toBe(iso)
        // microseconds are exact integers up to 2^53 µs (year 2255)
        if (ms * 1000 <= Number.MAX_SAFE_INTEGER) expect(toIsoTime(ms * 1000)).toBe(iso)
        expect(toIsoTime(iso)).toBe(iso)
        expect(epochMsToIso(ms)).toBe(iso)
      }),
      { numRuns: 200 },
    )
  })
})

describe('epochToMs', () => {
  it('scales by magnitude and refuses negatives and non-numbers', () => {
    expect(epochToMs(1_700_000_000)).toBe(1_700_000_000_000)
    expect(epochToMs(1_700_000_000_000)).toBe(1_700_000_000_000)
    expect(epochToMs(1_700_000_000_000_000)).toBe(1_700_000_000_000)
    expect(epochToMs(1_700_000_000_000_000_000)).toBe(1_700_000_000_000)
    expect(epochToMs(-5)).toBeUndefined()
    expect(epochToMs(Number.POSITIVE_INFINITY)).toBeUndefined()
  })
})

describe('hrTimeToIso', () => {
  it('keeps microseconds, and normalises hand-made HrTimes', () => {
    expect(hrTimeToIso([1_704_164_645, 678_901_234])).toBe('2024-01-02T03:04:05.678901Z')
    expect(hrTimeToIso([1_704_164_645, 5_000])).toBe('2024-01-02T03:04:05.000005Z')
    expect(hrTimeToIso([1_704_164_645.5, 0])).toBe('2024-01-02T03:04:05.500000Z')
    expect(hrTimeToIso([1_704_164_644, 1_500_000_000])).toBe('2024-01-02T03:04:05.500000Z')
    expect(hrTimeToIso([0, 0])).toBeUndefined()
    expect(hrTimeToIso(undefined)).toBeUndefined()
    expect(hrTimeToIso([Number.NaN, 1] as never)).toBeUndefined()
  })

  it('agrees with Date to the millisecond for any time, across the one-entry cache', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 253_402_300_799 }), fc.integer({ min: 0, max: 999_999_999 }), (s, ns) => {
        const iso = hrTimeToIso([s, ns])!
        expect(iso.slice(0, 23)).toBe(new Date(s * 1000 + Math.floor(ns / 1e6)).toISOString().slice(0, 23))
        expect(iso.slice(23, 26)).toBe(String(Math.floor(ns / 1000) % 1000).padStart(3, '0'))
      }),
      { numRuns: 300 },
    )
  })
})
