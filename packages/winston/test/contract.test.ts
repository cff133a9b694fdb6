/** Findings of issue 13 with a real winston logger: process hooks, option checks, severity order, columns as text. */
import { exitParticipantCount } from '@dcr-logs/core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import winston from 'winston'
import { endLogger, type Row, TABLE, useEmulator } from './helpers/emulator.ts'

const env = useEmulator()
const rows = () => env.emulator.rows<Row>(TABLE)

beforeAll(() => env.start())
afterAll(() => env.stop())
beforeEach(() => env.reset())
afterEach(() => {
  vi.unstubAllEnvs()
  vi.restoreAllMocks()
})

const listeners = () => [process.listenerCount('beforeExit'), process.listenerCount('exit')]

describe('process hooks', () => {
  it('shares one beforeExit and one exit listener among all transports, released with the last one', async () => {
    const before = listeners()
    const warnings: Error[] = []
    const onWarning = (w: Error) => warnings.push(w)
    process.on('warning', onWarning)
    const loggers = Array.from({ length: 12 }, () => winston.createLogger({ transports: [env.transportFor()] }))
    expect(listeners()).toEqual([before[0]! + 1, before[1]! + 1])
    expect(exitParticipantCount()).toBe(12)
    // logger.remove() unpipes: a removed transport is no longer held by the process
    for (const logger of loggers.slice(0, 6)) logger.remove(logger.transports[0]!)
    expect(exitParticipantCount()).toBe(6)
    for (const logger of loggers.slice(6)) await endLogger(logger)
    expect(exitParticipantCount()).toBe(0)
    expect(listeners()).toEqual(before)
    await new Promise((resolve) => setImmediate(resolve))
    process.off('warning', onWarning)
    expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning')
  })

  it('takes a transport added back after logger.remove() under the hook again', () => {
    const transport = env.transportFor()
    const logger = winston.createLogger({ transports: [transport] })
    logger.remove(transport)
    expect(exitParticipantCount()).toBe(0)
    logger.add(transport)
    expect(exitParticipantCount()).toBe(1)
    logger.remove(transport)
  })
})

describe('options', () => {
  it("refuses overflow 'wait', from the option and from DCR_LOGS_OVERFLOW, saying what to use instead", () => {
    expect(() => env.transportFor({ overflow: 'wait' })).toThrow(
      expect.objectContaining({
        code: 'INVALID_OPTIONS',
        message: expect.stringMatching(/overflow "wait" is not supported.*'drop-oldest'/),
      }),
    )
    vi.stubEnv('DCR_LOGS_OVERFLOW', 'wait')
    expect(() => env.transportFor()).toThrow(/overflow "wait" \(from DCR_LOGS_OVERFLOW\) is not supported/)
    expect(() => env.transportFor({ overflow: 'drop-newest' })).not.toThrow()
  })

  it('refuses a resourceAttributes entry that is neither a name nor a prefix pattern, naming the option', () => {
    expect(() => env.transportFor({ resourceAttributes: ['service.version', ''] })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTIONS', message: expect.stringContaining('"resourceAttributes"') }),
    )
  })

  it('warns once per unknown option name, naming the closest known one, and throws in strict mode', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {})
    env.transportFor({ maxBuferBytes: 5, bodyFrm: 'formatted' } as never)
    const messages = warn.mock.calls.map((c) => String(c[0]))
    expect(messages).toEqual([
      expect.stringContaining('AzureLogsTransport: unknown option "maxBuferBytes" (did you mean "maxBufferBytes"?)'),
      expect.stringContaining('unknown option "bodyFrm" (did you mean "bodyFrom"?)'),
    ])
    expect(warn.mock.calls[0]![1]).toMatchObject({ code: 'DCR_LOGS_UNKNOWN_OPTION' })
    expect(() => env.transportFor({ strictOptions: true, lingerMss: 1 } as never)).toThrow(
      expect.objectContaining({
        code: 'INVALID_OPTIONS',
        message: expect.stringContaining('"lingerMss" (did you mean "lingerMs"?)'),
      }),
    )
  })
})

describe('severity', () => {
  it("follows the order of the logger's level set: in winston's cli set verbose ranks below debug", async () => {
    const logger = winston.createLogger({
      levels: winston.config.cli.levels,
      level: 'silly',
      transports: [env.transportFor()],
    })
    for (const level of Object.keys(winston.config.cli.levels)) logger.log(level, `at ${level}`)
    await endLogger(logger)
    const byLevel = Object.fromEntries(rows().map((r) => [r.SeverityText, r.SeverityNumber]))
    expect(byLevel).toEqual({
      error: 17,
      warn: 13,
      help: 11,
      data: 10,
      info: 9,
      debug: 5,
      prompt: 4,
      verbose: 3,
      input: 2,
      silly: 1,
    })
  })

  it('places a custom level as the pino adapter does, and takes severityNumbers over it', async () => {
    const levels = { error: 0, warn: 1, audit: 2, info: 3, trace: 4 }
    const logger = winston.createLogger({ levels, level: 'trace', transports: [env.transportFor()] })
    const overridden = env.transportFor({ severityNumbers: { audit: 14 }, serviceName: 'overridden' })
    const other = winston.createLogger({ levels, level: 'trace', transports: [overridden] })
    ;(logger as unknown as Record<string, (m: string) => void>)['audit']!('halfway between info and warn')
    ;(other as unknown as Record<string, (m: string) => void>)['audit']!('overridden')
    await endLogger(logger)
    await endLogger(other)
    expect(
      rows()
        .map((r) => [r.Body, r.SeverityNumber])
        .sort(),
    ).toEqual([
      ['halfway between info and warn', 11],
      ['overridden', 14],
    ])
  })
})

describe('columns', () => {
  it('hands mapRecord the times as ISO text: format.timestamp() output as it is, no Date built and printed again', async () => {
    const seen: unknown[] = []
    const logger = winston.createLogger({
      format: winston.format.timestamp(),
      transports: [
        env.transportFor({
          mapRecord: (columns, info) => {
            seen.push([columns.TimeGenerated, info.timestamp, typeof columns.ObservedTimestamp])
            return columns
          },
        }),
      ],
    })
    logger.info('timed')
    await endLogger(logger)
    const [[time, stamp, observed]] = seen as [[unknown, unknown, unknown]]
    expect(time).toBe(stamp)
    expect(observed).toBe('string')
  })

  it('reads each meta field once: winston merges meta into info and keeps it in SPLAT too', async () => {
    let reads = 0
    const meta = {
      get orderId() {
        reads++
        return 42
      },
    }
    const logger = winston.createLogger({ transports: [env.transportFor()] })
    logger.info('order placed', meta)
    await endLogger(logger)
    // once: winston's own merge into info; the transport takes the merged copy and skips the SPLAT original
    expect(reads).toBe(1)
    expect(rows()[0]).toMatchObject({ Attributes: { orderId: 42 } })
  })

  it('writes the same Resource as the other adapters: process.pid and the option, not what has a column', async () => {
    const logger = winston.createLogger({
      defaultMeta: { service: 'orders' },
      transports: [env.transportFor({ hostName: 'web-1', resource: { 'deployment.environment.name': 'test' } })],
    })
    logger.info('with resource')
    await endLogger(logger)
    expect(rows()[0]).toMatchObject({
      ServiceName: 'orders',
      HostName: 'web-1',
      Resource: { 'deployment.environment.name': 'test', 'process.pid': process.pid },
    })
  })

  it('keeps a trace_id that is not a W3C trace id in Attributes instead of a broken TraceId', async () => {
    const logger = winston.createLogger({ transports: [env.transportFor()] })
    logger.info('bad trace', { trace_id: 'not-a-trace', span_id: 'b7ad6b7169203331' })
    await endLogger(logger)
    expect(rows()[0]).toMatchObject({
      TraceId: '',
      SpanId: 'b7ad6b7169203331',
      Attributes: { trace_id: 'not-a-trace' },
    })
  })
})

describe('flush', () => {
  it('has a default deadline (flushTimeoutMs, 10 s), so an outage cannot hold a serverless handler for minutes', async () => {
    env.emulator.setFaults({ rules: [{ fault: { type: 'hang' } }] })
    const transport = env.transportFor({ lingerMs: 0 })
    const logger = winston.createLogger({ transports: [transport] })
    logger.info('stuck')
    await vi.waitFor(() => expect(transport.stats().records.inFlight).toBe(1))
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    try {
      let result: unknown
      void transport.flush().then((r) => {
        result = r
      })
      await vi.advanceTimersByTimeAsync(9_900)
      expect(result).toBeUndefined()
      await vi.advanceTimersByTimeAsync(200)
      expect(result).toEqual({ settled: false, pending: 1 })
    } finally {
      vi.useRealTimers()
      env.emulator.setFaults(undefined)
      transport.destroy()
    }
  })
})
