import { isLogsIngestionError } from '@dcr-logs/core'
import { describe, expect, it } from 'vitest'
import { PINO_DEFAULTS, resolvePinoOptions } from '../src/options.ts'

const invalidOption = (options: unknown): string => {
  try {
    resolvePinoOptions(options)
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
      closeTimeoutMs: PINO_DEFAULTS.closeTimeoutMs,
      warnings: true,
      defaultColumns: true,
    })
    // the close deadline goes to core too, so core's close() honours pino's exit window
    expect(resolved.client).toEqual({ endpoint: 'https://e', ruleId: 'dcr-1', lingerMs: 5, closeTimeoutMs: 8_000 })
  })

  it('accepts no options at all (everything from the environment)', () => {
    expect(resolvePinoOptions(undefined).client).toEqual({ closeTimeoutMs: 8_000 })
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
    expect(invalidOption('endpoint')).toMatch(/"options"/)
  })
})
