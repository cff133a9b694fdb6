import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { DEFAULTS, resolveExporterOptions } from '../src/options.ts'

describe('resolveExporterOptions', () => {
  it("splits the exporter's options from core's", () => {
    const onDrop = () => {}
    expect(resolveExporterOptions({ acknowledge: 'delivered', flushTimeoutMs: 5, lingerMs: 10, onDrop })).toEqual({
      acknowledge: 'delivered',
      flushTimeoutMs: 5,
      shutdownTimeoutMs: undefined,
      client: { lingerMs: 10, onDrop },
    })
    expect(resolveExporterOptions().acknowledge).toBe(DEFAULTS.acknowledge)
  })

  it('names the option, the value and what is valid', () => {
    expect(() => resolveExporterOptions({ flushTimeoutMs: -1 })).toThrow(
      expect.objectContaining({
        name: 'LogsIngestionError',
        code: 'INVALID_OPTIONS',
        message: 'flushTimeoutMs must be a non-negative number of milliseconds (got -1)',
      }),
    )
    expect(() => resolveExporterOptions({ shutdownTimeoutMs: '5s' as never })).toThrow(
      /shutdownTimeoutMs .* \(got "5s"\)/,
    )
  })

  it('matches the defaults the README states', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
    const row = readme.split('\n').find((line) => /^\|\s*`acknowledge`\s*\|/.test(line))
    expect(row).toContain(`\`'${DEFAULTS.acknowledge}'\` (\`DEFAULTS.acknowledge\`)`)
  })
})
