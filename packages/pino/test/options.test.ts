import { isLogsIngestionError } from '@dcr-logs/core'
import { describe, expect, it } from 'vitest'
import { closeTimeoutFor, PINO_DEFAULTS, resolvePinoOptions } from '../src/options.ts'

const invalidOption = (options: unknown, worker = false): string => {
  try {
    resolvePinoOptions(options, { worker })
  } catch (error) {
    expect(isLogsIngestionError(error) && error.code).toBe('INVALID_OPTIONS')
    return (error as Error).message
  }
  throw new Error('expected INVALID_OPTIONS')
}

describe('resolvePinoOptions', () => {
  it('applies the defaults and passes core’s options through untouched', () => {
    const resolved = resolvePinoOptions({ endpoint: 'https://e', ruleId: 'dcr-1', lingerMs: 5, serviceName: 'svc' })
    expect(resolved).toMatchObject({
      serviceName: 'svc',
      scopeName: PINO_DEFAULTS.scopeName,
      maxLineBytes: PINO_DEFAULTS.maxLineBytes,
      flushTimeoutMs: PINO_DEFAULTS.flushTimeoutMs,
      warnings: true,
      defaultColumns: true,
      unknown: [],
    })
    // core gets its own options, untouched, and nothing else: it resolves DCR_LOGS_* itself
    expect(resolved.client).toEqual({ endpoint: 'https://e', ruleId: 'dcr-1', lingerMs: 5 })
  })

  it('accepts no options at all (everything from the environment)', () => {
    expect(resolvePinoOptions(undefined).client).toEqual({})
  })

  it('collects unknown option names, leaving out the keys pino adds itself', () => {
    expect(resolvePinoOptions({ lingerMss: 5, $context: {}, pinoWillSendConfig: true }).unknown).toEqual(['lingerMss'])
  })

  it("caps closeTimeoutMs in pino's worker below its 10 s exit window, from the option and from DCR_LOGS_CLOSE_TIMEOUT_MS", () => {
    expect(invalidOption({ closeTimeoutMs: 86_400_000 }, true)).toMatch(
      /"closeTimeoutMs".*from 0 to 9000 in pino's worker, which pino terminates 10 s after the logger ends/,
    )
    expect(resolvePinoOptions({ closeTimeoutMs: 60_000 }).closeTimeoutMs).toBe(60_000) // in-process: no such window
    const none = resolvePinoOptions({}, { worker: true })
    expect(closeTimeoutFor(none, 10_000, {}, { worker: true })).toBe(PINO_DEFAULTS.closeTimeoutMs)
    expect(closeTimeoutFor(none, 4_000, { DCR_LOGS_CLOSE_TIMEOUT_MS: '4000' }, { worker: true })).toBe(4_000)
    expect(() => closeTimeoutFor(none, 60_000, { DCR_LOGS_CLOSE_TIMEOUT_MS: '60000' }, { worker: true })).toThrow(
      /"closeTimeoutMs \(env DCR_LOGS_CLOSE_TIMEOUT_MS\)".*from 0 to 9000/,
    )
    expect(closeTimeoutFor(resolvePinoOptions({ closeTimeoutMs: 100 }), 60_000, {}, {})).toBe(100)
  })

  it('turns a cloned Uint8Array CA back into a Buffer for core', () => {
    const pem = new TextEncoder().encode('-----BEGIN CERTIFICATE-----')
    expect(Buffer.isBuffer(resolvePinoOptions({ ca: pem as never }).client.ca)).toBe(true)
  })

  it('names the option, the value and what is valid', () => {
    expect(invalidOption({ messageKey: 3 })).toBe(
      'Invalid option "messageKey" of @dcr-logs/pino: expected a non-empty string (got 3).',
    )
    expect(invalidOption({ severityNumbers: { audit: 30 } })).toMatch(
      /"severityNumbers.audit".*from 1 to 24 \(got 30\)/,
    )
    expect(invalidOption({ maxLineBytes: 10 })).toMatch(/"maxLineBytes"/)
    expect(invalidOption({ closeTimeoutMs: -1 })).toMatch(/"closeTimeoutMs"/)
    expect(invalidOption({ defaultColumns: false })).toMatch(/"columns".*defaultColumns is false/)
    expect(invalidOption({ resource: 'prod' })).toMatch(/"resource"/)
    expect(invalidOption({ resourceAttributes: ['process.pid', 3] })).toMatch(/"resourceAttributes".*prefix/)
    expect(invalidOption('endpoint')).toMatch(/"options"/)
  })
})
