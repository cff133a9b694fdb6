import { hostname } from 'node:os'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import winston from 'winston'
import TransportStream from 'winston-transport'
import { AzureLogsTransport } from '../src/index.ts'
import { endLogger, type Row, TABLE, useEmulator } from './helpers/emulator.ts'

const { format } = winston
const env = useEmulator()
const rows = () => env.emulator.rows<Row>(TABLE)
const bodies = () => rows().map((r) => r.Body)
const time = (value: unknown) => new Date(value as string).getTime()
// a linger far beyond any test: only flush, end or close can send
const HOLD = { lingerMs: 600_000 }

beforeAll(() => env.start())
afterAll(() => env.stop())
beforeEach(() => env.reset())

describe('AzureLogsTransport with a real winston logger', () => {
  it('ships a record in the default schema', async () => {
    const logger = winston.createLogger({ transports: [env.transportFor()] })
    logger.info('order placed', { orderId: 42 })
    await endLogger(logger)
    expect(rows()).toHaveLength(1)
    const row = rows()[0]!
    expect(row).toMatchObject({
      SeverityText: 'info',
      SeverityNumber: 9,
      Body: 'order placed',
      Attributes: { orderId: 42 },
      HostName: hostname(),
      ScopeName: 'winston',
    })
    expect(Math.abs(time(row.TimeGenerated) - Date.now())).toBeLessThan(60_000)
    expect(env.drops).toEqual([])
  })

  it('ships every npm level with its severity', async () => {
    const logger = winston.createLogger({ level: 'silly', transports: [env.transportFor()] })
    for (const level of Object.keys(winston.config.npm.levels)) logger.log(level, `at ${level}`)
    await endLogger(logger)
    const byLevel = Object.fromEntries(rows().map((r) => [r.SeverityText, r.SeverityNumber]))
    expect(byLevel).toEqual({ error: 17, warn: 13, info: 9, http: 7, verbose: 6, debug: 5, silly: 1 })
  })

  it('ships every syslog level with its severity', async () => {
    const logger = winston.createLogger({
      levels: winston.config.syslog.levels,
      level: 'debug',
      transports: [env.transportFor()],
    })
    for (const level of Object.keys(winston.config.syslog.levels)) logger.log(level, `at ${level}`)
    await endLogger(logger)
    const byLevel = Object.fromEntries(rows().map((r) => [r.SeverityText, r.SeverityNumber]))
    expect(byLevel).toEqual({ emerg: 23, alert: 22, crit: 21, error: 17, warning: 13, notice: 10, info: 9, debug: 5 })
  })

  it('ships a custom level set, by name where known and by position otherwise', async () => {
    const levels = { fatal: 0, error: 1, audit: 2, warn: 3, info: 4, detail: 5, trace: 6 }
    const logger = winston.createLogger({ levels, level: 'trace', transports: [env.transportFor()] })
    for (const level of Object.keys(levels)) logger.log(level, `at ${level}`)
    await endLogger(logger)
    const byLevel = Object.fromEntries(rows().map((r) => [r.SeverityText, r.SeverityNumber]))
    // audit: halfway from warn (13) to error (17), WARN3; detail: halfway from trace (1) to info (9), TRACE3
    expect(byLevel).toEqual({ fatal: 21, error: 17, audit: 15, warn: 13, info: 9, detail: 3, trace: 1 })
  })

  it('applies the logger formats: custom timestamp, splat, errors, and colorize without ANSI in SeverityText', async () => {
    const logger = winston.createLogger({
      format: format.combine(
        format.timestamp({ format: 'YYYY-MM-DD HH:mm:ss.SSS' }),
        format.errors({ stack: true }),
        format.splat(),
        format.colorize({ level: true }),
        format.json(),
      ),
      transports: [env.transportFor()],
    })
    logger.warn('%s has %d items', 'cart', 3, { cartId: 'k1' })
    logger.error(new TypeError('bad input'))
    await endLogger(logger)
    const [warn, error] = rows()
    expect(warn).toMatchObject({ SeverityText: 'warn', Body: 'cart has 3 items', Attributes: { cartId: 'k1' } })
    expect(warn!.Attributes).not.toHaveProperty('timestamp')
    expect(Math.abs(time(warn!.TimeGenerated) - Date.now())).toBeLessThan(60_000)
    expect(error).toMatchObject({
      SeverityText: 'error',
      SeverityNumber: 17,
      Body: 'bad input',
      ExceptionType: 'TypeError',
      ExceptionMessage: 'bad input',
    })
    expect(error!.ExceptionStacktrace).toMatch(/^TypeError: bad input\n\s+at /)
  })

  it('serialises Errors however they are logged', async () => {
    const logger = winston.createLogger({ transports: [env.transportFor()] })
    logger.error(new RangeError('as the message'))
    logger.error('as meta', new Error('inner', { cause: new Error('root cause') }))
    logger.error('under err', { err: new SyntaxError('keyed'), requestId: 'r1' })
    await endLogger(logger)
    const [asMessage, asMeta, keyed] = rows()
    expect(asMessage).toMatchObject({ Body: 'as the message', ExceptionType: 'RangeError' })
    expect(asMeta).toMatchObject({ Body: 'as meta inner', ExceptionMessage: 'inner' })
    expect(asMeta!.ExceptionStacktrace).toContain('Caused by: Error: root cause')
    expect(keyed).toMatchObject({ ExceptionType: 'SyntaxError', Attributes: { requestId: 'r1' } })
  })

  it('puts defaultMeta and child-logger bindings into Attributes', async () => {
    const logger = winston.createLogger({ defaultMeta: { service: 'orders' }, transports: [env.transportFor()] })
    const child = logger.child({ requestId: 'req-1' }).child({ userId: 'u-2' })
    child.info('from the grandchild', { step: 3 })
    child.error(new Error('child failure'))
    await endLogger(logger)
    const [info, error] = rows()
    expect(info).toMatchObject({
      ServiceName: 'orders',
      Attributes: { service: 'orders', requestId: 'req-1', userId: 'u-2', step: 3 },
    })
    expect(error).toMatchObject({ Body: 'child failure', ExceptionMessage: 'child failure' })
    expect(error!.Attributes).toMatchObject({ requestId: 'req-1', userId: 'u-2' })
  })

  it("fires the logger's finish only after the records are delivered", async () => {
    const logger = winston.createLogger({ transports: [env.transportFor(HOLD)] })
    for (let i = 0; i < 500; i++) logger.info('batch', { i })
    await endLogger(logger)
    // no waiting: 'finish' itself is the promise of delivery
    expect(rows()).toHaveLength(500)
  })

  it('flush() delivers while the logger stays open', async () => {
    const transport = env.transportFor(HOLD)
    const logger = winston.createLogger({ transports: [transport] })
    logger.info('first')
    await expect(transport.flush()).resolves.toEqual({ settled: true, pending: 0 })
    expect(bodies()).toEqual(['first'])
    logger.info('second')
    await transport.flush()
    expect(bodies()).toEqual(['first', 'second'])
    await endLogger(logger)
  })

  it('logger.close() starts a flush', async () => {
    const logger = winston.createLogger({ transports: [env.transportFor(HOLD)] })
    logger.info('before close')
    logger.close()
    await env.emulator.waitForRows(TABLE, 1, { timeoutMs: 10_000 })
    expect(bodies()).toEqual(['before close'])
  })

  it('filters by the transport level and the logger level', async () => {
    const warnOnly = env.transportFor({ level: 'warn' })
    const logger = winston.createLogger({ level: 'debug', transports: [warnOnly] })
    logger.debug('too verbose')
    logger.info('still too verbose')
    logger.warn('shipped warn')
    logger.error('shipped error')
    await endLogger(logger)
    expect(bodies()).toEqual(['shipped warn', 'shipped error'])

    env.reset()
    const inherits = winston.createLogger({ level: 'error', transports: [env.transportFor()] })
    inherits.warn('below the logger level')
    inherits.error('at the logger level')
    await endLogger(inherits)
    expect(bodies()).toEqual(['at the logger level'])
  })

  it('ships nothing when silent, and the logger still finishes', async () => {
    const logger = winston.createLogger({ transports: [env.transportFor({ silent: true })] })
    logger.error('not shipped')
    await endLogger(logger)
    expect(rows()).toEqual([])
  })

  it('applies its own format to its own copy, without touching what other transports get', async () => {
    const seen: object[] = []
    const other = new TransportStream({
      log(info: object, next: () => void) {
        seen.push(info)
        next()
      },
    })
    const dropDebugTagged = format((info) =>
      (info as { tag?: unknown }).tag === 'noise' ? false : { ...info, shippedBy: 'azure' },
    )
    const logger = winston.createLogger({
      transports: [
        env.transportFor({ format: format.combine(dropDebugTagged(), format.json()), bodyFrom: 'formatted' }),
        other,
      ],
    })
    logger.info('kept', { tag: 'signal' })
    logger.info('filtered', { tag: 'noise' })
    await endLogger(logger)
    expect(rows()).toHaveLength(1)
    expect(rows()[0]).toMatchObject({ Attributes: { tag: 'signal', shippedBy: 'azure' } })
    expect(JSON.parse(rows()[0]!.Body as string)).toMatchObject({ message: 'kept', shippedBy: 'azure' })
    // the other transport saw both records, without the Azure transport's field
    expect(seen.map((i) => (i as { message: string }).message)).toEqual(['kept', 'filtered'])
    for (const info of seen) expect(info).not.toHaveProperty('shippedBy')
  })

  it("ships what winston's exception handler logs only from a transport with handleExceptions, at once", async () => {
    const handles = env.transportFor({ ...HOLD, handleExceptions: true, serviceName: 'handles' })
    const plain = env.transportFor({ ...HOLD, serviceName: 'plain' })
    const logger = winston.createLogger({ exitOnError: false, transports: [handles, plain] })
    logger.info('before')
    // winston's own path for an uncaught exception (its process listener calls this), without exiting
    const handler = logger.exceptions as unknown as { _uncaughtException(error: Error): void }
    handler._uncaughtException(new TypeError('in-process boom'))
    // a 10-minute linger, yet the exception record is sent without waiting for end(): winston would exit in 3 s
    await env.emulator.waitForRows(TABLE, 2, { timeoutMs: 5_000 })
    const exception = rows().find((r) => r.ExceptionType !== '')
    expect(exception).toMatchObject({
      ServiceName: 'handles',
      ExceptionType: 'TypeError',
      ExceptionMessage: 'in-process boom',
      SeverityText: 'error',
      Attributes: { exception: true },
    })
    expect(rows().map((r) => r.ServiceName)).toEqual(['handles', 'handles'])
    await endLogger(logger)
    // the plain transport kept the ordinary record and skipped the exception record
    expect(
      rows()
        .map((r) => [r.ServiceName, r.Body])
        .sort(),
    ).toEqual([
      ['handles', 'before'],
      ['handles', expect.stringMatching(/^uncaughtException: in-process boom/)],
      ['plain', 'before'],
    ])
  })

  it("emits 'logged' once per record, after log() returned", async () => {
    const transport = env.transportFor()
    const logged: unknown[] = []
    transport.on('logged', (info) => logged.push(info))
    const logger = winston.createLogger({ transports: [transport] })
    logger.info('one')
    expect(logged).toEqual([])
    logger.info('two')
    await endLogger(logger)
    expect(logged.map((i) => (i as { message: string }).message)).toEqual(['one', 'two'])
  })

  it('keeps every record when writes outrun a tiny highWaterMark', async () => {
    const transport = env.transportFor({ highWaterMark: 1 })
    let logged = 0
    transport.on('logged', () => logged++)
    const logger = winston.createLogger({ transports: [transport] })
    for (let i = 0; i < 2_000; i++) logger.info('burst', { i })
    // and straight into the stream, honouring write()'s answer
    for (let i = 2_000; i < 2_100; i++) {
      const info = { level: 'info', message: 'direct', i, [Symbol.for('level')]: 'info' }
      if (!transport.write(info)) await new Promise((resolve) => transport.once('drain', resolve))
    }
    await endLogger(logger)
    const indexes = rows().map((r) => (r.Attributes as { i: number }).i)
    // the logger's pipe and the direct writes interleave; each keeps its own order
    expect(indexes.filter((i) => i < 2_000)).toEqual(Array.from({ length: 2_000 }, (_, i) => i))
    expect(indexes.filter((i) => i >= 2_000)).toEqual(Array.from({ length: 100 }, (_, i) => 2_000 + i))
    expect(logged).toBe(2_100)
  })

  it('sends to the stream each transport names, with its own mapping', async () => {
    const plain = env.transportFor()
    const tagged = env.transportFor({
      level: 'error',
      serviceName: 'billing',
      resource: { 'deployment.environment': 'test' },
    })
    const logger = winston.createLogger({ transports: [plain, tagged] })
    logger.info('once')
    logger.error('twice')
    await endLogger(logger)
    expect(
      rows()
        .filter((r) => r.ServiceName === 'billing')
        .map((r) => r.Body),
    ).toEqual(['twice'])
    expect(
      rows()
        .filter((r) => r.ServiceName === '')
        .map((r) => r.Body)
        .sort(),
    ).toEqual(['once', 'twice'])
  })

  it('adds columns by path and lets mapRecord reshape or skip records', async () => {
    const logger = winston.createLogger({
      transports: [
        env.transportFor({
          columns: { EventName: 'event', TraceId: { path: ['ctx.trace', 'traceId'], type: 'string' } },
          mapRecord: (columns, info) =>
            (info as { skip?: boolean }).skip
              ? null
              : { ...columns, Body: `[${columns.SeverityText}] ${columns.Body}` },
        }),
      ],
    })
    logger.info('mapped', { event: 'checkout', ctx: { trace: 'abc123' } })
    logger.info('skipped', { skip: true })
    await endLogger(logger)
    expect(rows()).toHaveLength(1)
    expect(rows()[0]).toMatchObject({ Body: '[info] mapped', EventName: 'checkout', TraceId: 'abc123' })
    expect(env.drops).toEqual([])
  })

  it('reports a throwing mapRecord as a drop and keeps logging', async () => {
    const transport = env.transportFor({
      mapRecord: (columns, info) => {
        if ((info as { poison?: boolean }).poison) throw new Error('cannot map this one')
        return columns
      },
    })
    const logger = winston.createLogger({ transports: [transport] })
    logger.info('fine')
    logger.info('bad', { poison: true })
    logger.info('fine again')
    await endLogger(logger)
    expect(bodies()).toEqual(['fine', 'fine again'])
    expect(env.drops).toHaveLength(1)
    expect(env.drops[0]).toMatchObject({ reason: 'invalid-record', retriable: false })
    expect(env.drops[0]!.error.message).toMatch(/mapRecord threw "cannot map this one"/)
    expect(transport.stats().droppedByReason['invalid-record']).toBe(1)
  })

  it('reports undeliverable records and still finishes', async () => {
    const transport = env.transportFor({ streamName: 'Custom-Missing' })
    const logger = winston.createLogger({ transports: [transport] })
    logger.info('nowhere to go')
    await endLogger(logger)
    expect(rows()).toEqual([])
    expect(env.drops.map((d) => [d.reason, d.records.length])).toEqual([['not-found', 1]])
    expect(transport.stats().records).toMatchObject({ delivered: 0, dropped: 1 })
  })

  it('rejects bad options at construction, naming the option', () => {
    expect(() => new AzureLogsTransport({ bodyFrom: 'html' as never })).toThrow(
      /option "bodyFrom" must be one of 'message', 'formatted'/,
    )
    expect(() => new AzureLogsTransport({ mapRecord: 'yes' as never })).toThrow(/option "mapRecord" must be a function/)
    expect(() => new AzureLogsTransport({ columns: { Body: { type: 'string' } } })).toThrow(/needs a path or a default/)
  })
})
