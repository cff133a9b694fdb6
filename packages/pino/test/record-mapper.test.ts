import { fileURLToPath } from 'node:url'
import { isLogsIngestionError } from '@dcr-logs/core'
import { describe, expect, it } from 'vitest'
import { loadMapperModule } from '../src/load-mapper.ts'
import { resolvePinoOptions } from '../src/options.ts'
import { createRecordMapper, mergeLevels } from '../src/record-mapper.ts'

const OBSERVED = Date.UTC(2025, 0, 1)
const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url))

describe('createRecordMapper', () => {
  it('lets options override pino’s configuration, which overrides pino’s defaults', () => {
    const map = createRecordMapper(resolvePinoOptions({ errorKey: 'e' }), {
      messageKey: 'message',
      errorKey: 'error',
      levels: mergeLevels(undefined, { notice: 35 }),
    })
    expect(map({ level: 35, message: 'hi', e: { type: 'E', message: 'm' } }, OBSERVED)).toMatchObject({
      Body: 'hi',
      SeverityText: 'notice',
      ExceptionType: 'E',
    })
  })

  it('adds declarative columns over the default mapping', () => {
    const options = resolvePinoOptions({
      columns: { RequestId: 'req.id', Status: { path: 'res.statusCode', type: 'int' } },
    })
    expect(
      createRecordMapper(options, {})(
        { level: 30, msg: 'ok', req: { id: 'r1' }, res: { statusCode: '200' } },
        OBSERVED,
      ),
    ).toMatchObject({
      Body: 'ok',
      RequestId: 'r1',
      Status: 200,
      Attributes: { req: { id: 'r1' }, res: { statusCode: '200' } },
    })
  })

  it('maps to a table of your own with defaultColumns: false', () => {
    const options = resolvePinoOptions({
      defaultColumns: false,
      columns: { TimeGenerated: { path: 'time', type: 'datetime' }, Message: 'msg' },
      restColumn: 'Extra',
    })
    expect(createRecordMapper(options, {})({ time: OBSERVED, msg: 'm', level: 30, a: 1 }, OBSERVED)).toEqual({
      TimeGenerated: new Date(OBSERVED).toISOString(),
      Message: 'm',
      Extra: { level: 30, a: 1 },
    })
  })

  it('runs a mapper module loaded by path, which may filter lines', async () => {
    const custom = await loadMapperModule('./mapper.mjs', fixtures)
    const map = createRecordMapper(resolvePinoOptions({}), {}, custom)
    expect(map({ level: 30, msg: 'GET', path: '/orders' }, OBSERVED)).toMatchObject({
      Body: '[/orders] GET',
      Route: '/orders',
    })
    expect(map({ level: 30, msg: 'GET', path: '/health' }, OBSERVED)).toBeUndefined()
  })

  it('refuses a mapper module that cannot be loaded or exports no function, naming it', async () => {
    for (const [specifier, message] of [
      ['./missing.mjs', /"mapperModule".*"\.\/missing\.mjs" failed to load/],
      ['./not-a-mapper.mjs', /exports no function/],
      ['no-such-package-xyz', /cannot be resolved/],
    ] as const) {
      const error = await loadMapperModule(specifier, fixtures).catch((e: unknown) => e)
      expect(isLogsIngestionError(error) && error.code).toBe('INVALID_OPTIONS')
      expect((error as Error).message).toMatch(message)
    }
  })
})
