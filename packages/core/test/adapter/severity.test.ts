import { describe, expect, it } from 'vitest'
import { severityBetween, severityForPinoLevel, severityTableForLevels } from '../../src/index.ts'

// winston.config's level sets (core does not depend on winston; the winston package tests them with winston itself)
const winston = {
  config: {
    npm: { levels: { error: 0, warn: 1, info: 2, http: 3, verbose: 4, debug: 5, silly: 6 } },
    syslog: { levels: { emerg: 0, alert: 1, crit: 2, error: 3, warning: 4, notice: 5, info: 6, debug: 7 } },
    cli: {
      levels: { error: 0, warn: 1, help: 2, data: 3, info: 4, debug: 5, prompt: 6, verbose: 7, input: 8, silly: 9 },
    },
  },
}

const asObject = (table: ReadonlyMap<string, number>) => Object.fromEntries(table)

describe('severityForPinoLevel (as @opentelemetry/instrumentation-pino)', () => {
  it('maps the six built-in levels to the first number of their range', () => {
    expect([10, 20, 30, 40, 50, 60].map(severityForPinoLevel)).toEqual([1, 5, 9, 13, 17, 21])
  })

  it('scales custom levels onto the in-between numbers', () => {
    expect([15, 25, 33, 35, 38, 45, 55, 65, 70, 100].map(severityForPinoLevel)).toEqual([
      3, 7, 10, 11, 12, 15, 19, 23, 24, 24,
    ])
    // below trace: TRACE (instrumentation-pino says TRACE2, more severe than trace itself)
    expect([9, 0, -5].map(severityForPinoLevel)).toEqual([1, 1, 1])
  })

  it('agrees with severityBetween for every level between two built-in ones', () => {
    for (let level = 11; level < 70; level++) {
      if (level % 10 === 0) continue
      const from = Math.floor(level / 10) * 10
      const expected = severityBetween(severityForPinoLevel(from === 70 ? 60 : from), (level - from) / 10)
      expect(severityForPinoLevel(level), String(level)).toBe(expected)
    }
  })
})

describe('severityTableForLevels (winston level sets)', () => {
  it("maps winston's standard sets as @opentelemetry/winston-transport does", () => {
    expect(asObject(severityTableForLevels(winston.config.npm.levels))).toEqual({
      error: 17,
      warn: 13,
      info: 9,
      http: 7,
      verbose: 6,
      debug: 5,
      silly: 1,
    })
    expect(asObject(severityTableForLevels(winston.config.syslog.levels))).toEqual({
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

  it('follows the order of the cli set, where verbose is less severe than debug', () => {
    const table = severityTableForLevels(winston.config.cli.levels)
    expect(table.get('verbose')).toBe(3)
    expect(table.get('debug')).toBe(5)
    const byPriority = Object.entries(winston.config.cli.levels).sort((a, b) => a[1] - b[1])
    const numbers = byPriority.map(([name]) => table.get(name)!)
    expect([...numbers].sort((a, b) => b - a)).toEqual(numbers)
  })

  it('places a custom level as pino places the same level: audit halfway between info and warn is INFO3 (11)', () => {
    const table = severityTableForLevels({ error: 0, warn: 1, audit: 2, info: 3 })
    expect(table.get('audit')).toBe(11)
    expect(table.get('audit')).toBe(severityForPinoLevel(35))
  })

  it('keeps severity in the order of the set when a known name sits out of its usual place', () => {
    const table = severityTableForLevels({ error: 0, verbose: 1, warn: 2, info: 3, debug: 4 })
    expect(asObject(table)).toEqual({ error: 17, verbose: 15, warn: 13, info: 9, debug: 5 })
  })

  it('places levels beyond the known ones one step at a time, and spreads a set without known names', () => {
    expect(asObject(severityTableForLevels({ panic: 0, error: 1, info: 2, chatty: 3 }))).toEqual({
      panic: 18,
      error: 17,
      info: 9,
      chatty: 8,
    })
    expect(asObject(severityTableForLevels({ high: 0, mid: 1, low: 2 }))).toEqual({ high: 17, mid: 9, low: 1 })
  })

  it('lets overrides win', () => {
    expect(severityTableForLevels({ error: 0, audit: 1, info: 2 }, { audit: 13 }).get('audit')).toBe(13)
  })
})
