import { severityNumberFor } from '@dcr-logs/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import winston from 'winston'
import { buildSeverityTable, severityOf, UNSPECIFIED_SEVERITY } from '../src/levels.ts'

const table = (levels: Record<string, number>) => Object.fromEntries(buildSeverityTable(levels, severityNumberFor))

describe('buildSeverityTable', () => {
  it('maps the npm levels as the OpenTelemetry winston transport does', () => {
    expect(table(winston.config.npm.levels)).toEqual({
      error: 17,
      warn: 13,
      info: 9,
      http: 7,
      verbose: 6,
      debug: 5,
      silly: 1,
    })
  })

  it('maps the syslog levels', () => {
    expect(table(winston.config.syslog.levels)).toEqual({
      emerg: 23,
      alert: 22,
      crit: 21,
      error: 17,
      warning: 13,
      notice: 10,
      info: 9,
      debug: 5,
    })
  })

  it('places unknown names of the cli set between their known neighbours, inside the lower range', () => {
    const cli = table(winston.config.cli.levels)
    expect(cli).toMatchObject({ error: 17, warn: 13, info: 9, debug: 5, verbose: 6, silly: 1 })
    // help and data sit between warn (13) and info (9): INFO3 and INFO2; input just above silly (1)
    expect(cli).toMatchObject({ help: 11, data: 10, input: 2 })
  })

  it('recognises names case-insensitively, wherever they sit in a custom set', () => {
    expect(table({ FATAL: 0, Trace: 1 })).toEqual({ FATAL: 21, Trace: 1 })
  })

  it('steps below the least severe known level', () => {
    expect(table({ error: 0, warn: 1, info: 2, chatter: 3, noise: 4 })).toMatchObject({ chatter: 8, noise: 7 })
  })

  it('spreads a set without any known name from ERROR down to TRACE', () => {
    expect(table({ critical2: 0, important: 1, normal: 2, chatty: 3 })).toEqual({
      critical2: 17,
      important: 12,
      normal: 6,
      chatty: 1,
    })
    expect(table({ only: 0 })).toEqual({ only: 9 })
  })

  it('gives a level missing from the set its known number, else UNSPECIFIED', () => {
    const t = buildSeverityTable({ a: 0 }, severityNumberFor)
    expect(severityOf(t, 'error', severityNumberFor)).toBe(17)
    expect(severityOf(t, 'nonsense', severityNumberFor)).toBe(UNSPECIFIED_SEVERITY)
  })

  it('keeps any ordered level set ordered and inside 1–24', () => {
    const known = ['emerg', 'alert', 'fatal', 'error', 'warn', 'notice', 'info', 'http', 'verbose', 'debug', 'trace']
    const arbitrary = fc.record({
      knownPicks: fc.subarray(known),
      unknown: fc.uniqueArray(fc.stringMatching(/^x[a-z]{1,6}$/), { maxLength: 12 }),
      seed: fc.array(fc.nat(), { maxLength: 12 }),
    })
    fc.assert(
      fc.property(arbitrary, ({ knownPicks, unknown, seed }) => {
        // insert unknown names at arbitrary places of an ordered list of known ones
        const order = [...knownPicks]
        for (const [i, name] of unknown.entries()) order.splice((seed[i] ?? 0) % (order.length + 1), 0, name)
        const levels = Object.fromEntries(order.map((name, i) => [name, i]))
        const t = buildSeverityTable(levels, severityNumberFor)
        const values = order.map((name) => t.get(name)!)
        for (const v of values) expect(v >= 1 && v <= 24 && Number.isInteger(v)).toBe(true)
        for (let i = 1; i < values.length; i++) expect(values[i]!).toBeLessThanOrEqual(values[i - 1]!)
      }),
    )
  })
})
