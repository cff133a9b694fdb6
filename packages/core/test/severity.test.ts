import { describe, expect, it } from 'vitest'
import { severityNumberFor } from '../src/index.ts'

describe('severityNumberFor', () => {
  it.each([
    ['error', 17],
    ['warn', 13],
    ['info', 9],
    ['http', 7],
    ['verbose', 6],
    ['debug', 5],
    ['silly', 1],
    ['emerg', 23],
    ['alert', 22],
    ['crit', 21],
    ['warning', 13],
    ['notice', 10],
    ['trace', 1],
    ['fatal', 21],
    ['critical', 21],
  ])('maps %s to %i', (name, n) => {
    expect(severityNumberFor(name)).toBe(n)
  })

  it('ignores case and surrounding spaces', () => {
    expect(severityNumberFor('ERROR')).toBe(17)
    expect(severityNumberFor(' Warn ')).toBe(13)
  })

  it('returns undefined for unknown names', () => {
    expect(severityNumberFor('loud')).toBeUndefined()
    expect(severityNumberFor('')).toBeUndefined()
    expect(severityNumberFor(42 as unknown as string)).toBeUndefined()
  })
})
