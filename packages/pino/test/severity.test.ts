import { severityForPinoLevel as severityNumberForLevel } from '@dcr-logs/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { buildSeverityTable, DEFAULT_PINO_LEVELS } from '../src/severity.ts'

describe('severityNumberForLevel', () => {
  it('maps the built-in pino levels to the lowest value of their OpenTelemetry range', () => {
    expect([10, 20, 30, 40, 50, 60].map(severityNumberForLevel)).toEqual([1, 5, 9, 13, 17, 21])
  })

  it('places custom levels between the built-in ones, as @opentelemetry/instrumentation-pino does', () => {
    expect(severityNumberForLevel(35)).toBe(11)
    expect(severityNumberForLevel(45)).toBe(15)
    expect(severityNumberForLevel(99)).toBe(24)
    expect(severityNumberForLevel(5)).toBe(1)
  })

  it('never leaves the OpenTelemetry range and never decreases as the level rises', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 0, max: 100 }), (level, step) => {
        const a = severityNumberForLevel(level)
        expect(a).toBeGreaterThanOrEqual(1)
        expect(a).toBeLessThanOrEqual(24)
        expect(severityNumberForLevel(level + step)).toBeGreaterThanOrEqual(a)
      }),
    )
  })
})

describe('buildSeverityTable', () => {
  const levels = {
    labels: { ...DEFAULT_PINO_LEVELS.labels, 35: 'notice', 45: 'audit' },
    values: { ...DEFAULT_PINO_LEVELS.values, notice: 35, audit: 45, silent: Number.POSITIVE_INFINITY },
  }

  it('names custom levels by their label and ranks them by number', () => {
    const table = buildSeverityTable(levels)
    expect(table.lookup(35)).toEqual({ text: 'notice', number: 11 })
    expect(table.lookup(45)).toEqual({ text: 'audit', number: 15 })
    expect(table.lookup(50)).toEqual({ text: 'error', number: 17 })
  })

  it('lets an override decide what a custom level means', () => {
    const table = buildSeverityTable(levels, { audit: 10 })
    expect(table.lookup(45)).toEqual({ text: 'audit', number: 10 })
    expect(table.lookup('audit')).toEqual({ text: 'audit', number: 10 })
  })

  it('a string level named like an Object.prototype key is an unknown label, not an inherited override', () => {
    const table = buildSeverityTable(levels, { audit: 10 })
    for (const label of ['__proto__', 'constructor', 'toString']) {
      expect(table.lookup(label)).toEqual({ text: label, number: undefined })
    }
  })

  it('reads string levels written by a custom formatters.level', () => {
    const table = buildSeverityTable(levels, {}, (label) => (label === 'critical' ? 21 : undefined))
    expect(table.lookup('warn')).toEqual({ text: 'warn', number: 13 })
    expect(table.lookup('critical')).toEqual({ text: 'critical', number: 21 })
    expect(table.lookup('whatever')).toEqual({ text: 'whatever', number: undefined })
  })

  it('keeps unknown numbers visible as text and ranks them', () => {
    const table = buildSeverityTable(DEFAULT_PINO_LEVELS)
    expect(table.lookup(55)).toEqual({ text: '55', number: 19 })
    expect(table.lookup(undefined)).toEqual({ text: undefined, number: undefined })
    expect(table.lookup(Number.NaN)).toEqual({ text: undefined, number: undefined })
  })
})
