import { readFileSync } from 'node:fs'
import { DEFAULT_RESOURCE_ATTRIBUTES } from '@dcr-logs/core'
import { describe, expect, it } from 'vitest'
import { OTEL_DEFAULTS, resolveExporterOptions } from '../src/options.ts'

describe('resolveExporterOptions', () => {
  it("splits the exporter's options from core's", () => {
    const onDrop = () => {}
    expect(resolveExporterOptions({ acknowledge: 'delivered', flushTimeoutMs: 5, lingerMs: 10, onDrop })).toEqual({
      acknowledge: 'delivered',
      flushTimeoutMs: 5,
      shutdownTimeoutMs: undefined,
      resourceAttributes: DEFAULT_RESOURCE_ATTRIBUTES,
      client: { lingerMs: 10, onDrop },
      unknown: [],
    })
    expect(resolveExporterOptions()).toMatchObject({
      acknowledge: OTEL_DEFAULTS.acknowledge,
      flushTimeoutMs: OTEL_DEFAULTS.flushTimeoutMs,
    })
    expect(resolveExporterOptions({ flushTimeoutMss: 1 } as never).unknown).toEqual(['flushTimeoutMss'])
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
    expect(() => resolveExporterOptions({ resourceAttributes: ['service.*', ''] })).toThrow(
      expect.objectContaining({
        code: 'INVALID_OPTIONS',
        message: expect.stringContaining('"resourceAttributes": resource attribute selection: "" is not'),
      }),
    )
  })

  it('matches the defaults the README states', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
    const row = readme.split('\n').find((line) => /^\|\s*`acknowledge`\s*\|/.test(line))
    expect(row).toContain(`\`'${OTEL_DEFAULTS.acknowledge}'\` (\`OTEL_DEFAULTS.acknowledge\`)`)
    const flush = readme.split('\n').find((line) => /^\|\s*`flushTimeoutMs`\s*\|/.test(line))
    expect(flush).toContain(`\`${OTEL_DEFAULTS.flushTimeoutMs}\``)
  })
})
