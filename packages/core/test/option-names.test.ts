import { describe, expect, it } from 'vitest'
import {
  CORE_OPTION_NAMES,
  checkOptionNames,
  closestName,
  createLogsIngestionClient,
  isLogsIngestionError,
  UNKNOWN_OPTION_WARNING,
} from '../src/index.ts'

const base = {
  endpoint: 'https://my-dcr-a1b2.eastus-1.ingest.monitor.azure.com',
  ruleId: 'dcr-00000000000000000000000000000000',
  credential: { getToken: async () => ({ token: 't', expiresOnTimestamp: Date.now() + 3600_000 }) },
}

const capture = () => {
  const warnings: { message: string; code: string }[] = []
  return { warnings, emitWarning: (message: string, o: { code: string }) => warnings.push({ message, code: o.code }) }
}

describe('closestName', () => {
  it('suggests the option a typo most likely meant', () => {
    expect(closestName('maxBuferBytes', CORE_OPTION_NAMES)).toBe('maxBufferBytes')
    expect(closestName('lingerms', CORE_OPTION_NAMES)).toBe('lingerMs')
    expect(closestName('rueldI', CORE_OPTION_NAMES)).toBe('ruleId')
  })

  it('suggests nothing for a name unlike every option', () => {
    expect(closestName('database', CORE_OPTION_NAMES)).toBeUndefined()
  })
})

describe('unknown option names', () => {
  it('createLogsIngestionClient warns once per unknown name, naming the closest option', async () => {
    const { warnings, emitWarning } = capture()
    const client = createLogsIngestionClient(
      { ...base, maxBuferBytes: 5, database: 'logs' } as Record<string, unknown>,
      { emitWarning },
    )
    expect(warnings).toHaveLength(2)
    expect(warnings[0]).toEqual({
      code: UNKNOWN_OPTION_WARNING,
      message: expect.stringContaining('unknown option "maxBuferBytes" (did you mean "maxBufferBytes"?)'),
    })
    expect(warnings[1]!.message).toContain('unknown option "database" is ignored')
    await client.close()
  })

  it('strictOptions turns unknown names into an INVALID_OPTIONS error', () => {
    let caught: unknown
    try {
      createLogsIngestionClient({ ...base, strictOptions: true, maxBuferBytes: 5 } as Record<string, unknown>)
    } catch (error) {
      caught = error
    }
    expect(isLogsIngestionError(caught) && caught.code).toBe('INVALID_OPTIONS')
    expect((caught as Error).message).toContain('did you mean "maxBufferBytes"?')
  })

  it('DCR_LOGS_STRICT_OPTIONS enables strict mode from the environment', () => {
    expect(() =>
      createLogsIngestionClient({ ...base, lingerMS: 5 } as Record<string, unknown>, {
        env: { DCR_LOGS_STRICT_OPTIONS: 'true' },
      }),
    ).toThrow(/unknown option "lingerMS" \(did you mean "lingerMs"\?\)/)
  })

  it('known names pass without a word', async () => {
    const { warnings, emitWarning } = capture()
    const client = createLogsIngestionClient({ ...base, lingerMs: 5, maxBufferBytes: 4096 }, { emitWarning })
    expect(warnings).toEqual([])
    await client.close()
  })

  it('adapters check their own names with the same helper', () => {
    const { warnings, emitWarning } = capture()
    const known = new Set([...CORE_OPTION_NAMES, 'bodyFrom'])
    expect(
      checkOptionNames({ bodyfrom: 'x', lingerMs: 1 }, known, { component: 'X', strict: false, emitWarning }),
    ).toEqual(['bodyfrom'])
    expect(warnings[0]!.message).toBe(
      'X: unknown option "bodyfrom" (did you mean "bodyFrom"?) is ignored. Set strictOptions: true to make this an error.',
    )
  })
})
