import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import winston from 'winston'
import { parseTimestamp } from '../src/timestamp.ts'

const iso = (value: unknown) => parseTimestamp(value)?.toISOString()

describe('parseTimestamp', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] })
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('reads ISO 8601 with a zone or an offset', () => {
    expect(iso('2024-01-02T03:04:05.678Z')).toBe('2024-01-02T03:04:05.678Z')
    expect(iso('2024-01-02T03:04:05+01:00')).toBe('2024-01-02T02:04:05.000Z')
    expect(iso('2024-01-02 03:04:05 +0100')).toBe('2024-01-02T02:04:05.000Z')
    expect(iso('2024-01-02')).toBe('2024-01-02T00:00:00.000Z')
  })

  it('reads date-times without a zone as local time, as fecha prints them', () => {
    expect(parseTimestamp('2024-01-02 03:04:05')?.getTime()).toBe(new Date(2024, 0, 2, 3, 4, 5).getTime())
    expect(parseTimestamp('2024-01-02 03:04:05,250')?.getTime()).toBe(new Date(2024, 0, 2, 3, 4, 5, 250).getTime())
    expect(parseTimestamp('Jan-02-2024 03:04:05')?.getTime()).toBe(new Date(2024, 0, 2, 3, 4, 5).getTime())
  })

  it('reads epoch milliseconds and seconds, as numbers and as text', () => {
    expect(iso(1_704_164_645_678)).toBe('2024-01-02T03:04:05.678Z')
    expect(iso(1_704_164_645.5)).toBe('2024-01-02T03:04:05.500Z')
    expect(iso('1704164645678')).toBe('2024-01-02T03:04:05.678Z')
    expect(iso('1704164645')).toBe('2024-01-02T03:04:05.000Z')
    expect(iso(new Date('2024-01-02T03:04:05Z'))).toBe('2024-01-02T03:04:05.000Z')
  })

  it('reads RFC 7231 and Date#toString text', () => {
    expect(iso('Tue, 02 Jan 2024 03:04:05 GMT')).toBe('2024-01-02T03:04:05.000Z')
    const d = new Date('2024-01-02T03:04:05Z')
    expect(parseTimestamp(d.toString())?.getTime()).toBe(d.getTime())
  })

  it('refuses what it could only guess', () => {
    for (const value of ['03:04:05', '02/01/2024 03:04', 'hello 5', '', '20240102', 'soon', {}, [], null, Number.NaN]) {
      expect(parseTimestamp(value), JSON.stringify(value)).toBeUndefined()
    }
  })

  it('reads every instant back from format.timestamp() with its default and common patterns', () => {
    const patterns = [
      undefined,
      'YYYY-MM-DD HH:mm:ss',
      'YYYY-MM-DD HH:mm:ss.SSS',
      'YYYY-MM-DDTHH:mm:ss.SSSZZ',
      'ddd, DD MMM YYYY HH:mm:ss',
    ]
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1990-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
        (date) => {
          for (const pattern of patterns) {
            const format = winston.format.timestamp(pattern === undefined ? {} : { format: pattern })
            // the format reads the clock itself
            vi.setSystemTime(date)
            const text = (
              format.transform({ level: 'info', message: '' }, format.options) as unknown as { timestamp: string }
            ).timestamp
            const precision = pattern === undefined || pattern.includes('SSS') ? 1 : 1000
            expect(parseTimestamp(text)?.getTime(), `${pattern}: ${text}`).toBe(
              Math.floor(date.getTime() / precision) * precision,
            )
          }
        },
      ),
      { numRuns: 50 },
    )
  })
})
