/**
 * pino's real worker thread (thread-stream), loading this package's dist, shipping to the emulator
 * (the package-name target is loaded in lifecycle.e2e.test.ts and cli.e2e.test.ts, see WORKER_OPTIONS).
 * The emulator runs in this process, so nothing here calls `transport.end()` with records pending: it blocks
 * the main thread (Atomics.wait) that would have to answer the worker's requests. Exit paths run in child
 * processes (lifecycle.e2e.test.ts).
 */
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { type Emulator, startEmulator } from '@dcr-logs/test-harness'
import pino from 'pino'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type DropReport, EVENTS, type InvalidLinesReport, type TransportStats } from '../src/index.ts'
import { DIST_INDEX, DIST_INDEX_CJS, flushed, type Row, TABLE, targetOptions, WORKER_OPTIONS } from './helpers.ts'

let emulator: Emulator
beforeAll(async () => {
  emulator = await startEmulator()
})
afterAll(async () => {
  await emulator?.close()
})
beforeEach(() => {
  emulator.reset()
})

type Transport = ReturnType<typeof pino.transport>

/** A full garbage collection, on demand (the flag must be set before a context is created to expose `gc`). */
const collectGarbage = (): (() => void) => {
  setFlagsFromString('--expose-gc')
  return runInNewContext('gc') as () => void
}

/** Starts a transport and logger; `end` closes it once nothing is pending (see the file comment). */
async function start(options: Parameters<typeof targetOptions>[1] = {}, pinoOptions: pino.LoggerOptions = {}) {
  const transport: Transport = pino.transport({
    target: DIST_INDEX_CJS,
    options: targetOptions(emulator, options),
    worker: WORKER_OPTIONS,
  })
  const logger = pino({ level: 'trace', ...pinoOptions }, transport)
  const end = async () => {
    await flushed(logger)
    const closed = once(transport, 'close')
    transport.end()
    await closed
  }
  return { transport, logger, end }
}

const rows = (): Row[] => emulator.rows(TABLE) as Row[]
const byBody = (body: string): Row => {
  const row = rows().find((r) => r['Body'] === body)
  expect(row, `row with Body "${body}"`).toBeDefined()
  return row!
}

describe('pino.transport() with this package in a worker thread', () => {
  it('ships every level, custom ones included, with OpenTelemetry severity numbers', async () => {
    const { logger, end } = await start({}, { customLevels: { notice: 35, audit: 45 } })
    const custom = logger as unknown as Record<'notice' | 'audit', pino.LogFn>
    logger.trace('t')
    logger.debug('d')
    logger.info('i')
    custom.notice('n')
    logger.warn('w')
    custom.audit('a')
    logger.error('e')
    logger.fatal('f')
    await flushed(logger) // resolves only once delivered: no polling
    const severities = Object.fromEntries(rows().map((r) => [r['Body'], [r['SeverityText'], r['SeverityNumber']]]))
    expect(severities).toEqual({
      t: ['trace', 1],
      d: ['debug', 5],
      i: ['info', 9],
      n: ['notice', 11],
      w: ['warn', 13],
      a: ['audit', 15],
      e: ['error', 17],
      f: ['fatal', 21],
    })
    await end()
  })

  it('maps child bindings, pid, hostname and name', async () => {
    const { logger, end } = await start({ resource: { 'deployment.environment': 'test' } }, { name: 'checkout' })
    logger.child({ module: 'db', tenant: { id: 7 } }).info({ query: 'select 1', ms: 3 }, 'query done')
    await flushed(logger)
    const row = byBody('query done')
    expect(row).toMatchObject({
      ServiceName: 'checkout',
      HostName: expect.any(String),
      ScopeName: 'pino',
      Attributes: { module: 'db', tenant: { id: 7 }, query: 'select 1', ms: 3 },
      Resource: { 'deployment.environment': 'test', 'process.pid': process.pid },
    })
    expect(Date.parse(String(row['TimeGenerated']))).toBeGreaterThan(Date.now() - 60_000)
    await end()
  })

  it('maps errors, with pino’s messageKey and errorKey sent to the worker', async () => {
    const { logger, end } = await start({}, { messageKey: 'message', errorKey: 'error' })
    const error = Object.assign(new TypeError('bad input', { cause: new Error('root cause') }), { code: 'E_BAD' })
    logger.error({ error }, 'request failed')
    await flushed(logger)
    const row = byBody('request failed')
    expect(row).toMatchObject({ ExceptionType: 'TypeError', ExceptionMessage: expect.stringContaining('bad input') })
    expect(String(row['ExceptionStacktrace'])).toContain('root cause')
    expect(row['Attributes']).toMatchObject({ error: { code: 'E_BAD' } })
    await end()
  })

  it('flush(cb) calls back only when every line written before it is in the table', async () => {
    const { logger, end } = await start({ lingerMs: 60_000 }) // nothing would be sent by time alone
    for (let i = 0; i < 2_000; i++) logger.info({ i }, `line ${i}`)
    await flushed(logger)
    expect(rows()).toHaveLength(2_000)
    expect(new Set(rows().map((r) => (r['Attributes'] as { i: number }).i)).size).toBe(2_000)
    await end()
  })

  it('flush(cb) calls back when the GC runs mid-flush and only the awaiting test references the logger', async () => {
    // thread-stream holds its stream weakly: without `flushed` keeping the logger, the GC ends the worker here
    const gc = collectGarbage()
    emulator.setFaults({ rules: [{ fault: { type: 'latency', ms: 300 } }] })
    const { logger, end } = await start()
    logger.info('while collecting')
    const collecting = setInterval(gc, 25)
    try {
      await flushed(logger)
    } finally {
      clearInterval(collecting)
    }
    expect(rows().map((r) => r['Body'])).toEqual(['while collecting'])
    await end()
  })

  it('skips and reports lines that are not pino JSON objects, on the main thread', async () => {
    const { transport, logger, end } = await start({ maxLineBytes: 4096, reportIntervalMs: 0, warnings: false })
    const reports: InvalidLinesReport[] = []
    transport.on(EVENTS.invalidLines, (report: InvalidLinesReport) => reports.push(report))
    const stats = new Promise<TransportStats>((resolve) => transport.once(EVENTS.stats, resolve))
    logger.info('before')
    transport.write('Server listening on :3000\n')
    transport.write('{"level":30,"msg":"trunc\n')
    transport.write('[1,2,3]\n')
    transport.write(`{"level":30,"msg":"${'x'.repeat(10_000)}"}\n`)
    transport.write('\n')
    logger.info('after')
    await flushed(transport)
    expect(rows().map((r) => r['Body'])).toEqual(['before', 'after'])
    const lines = (await stats).lines
    expect(lines.invalidByReason).toEqual({ 'not-json': 2, 'not-object': 1, 'too-large': 1 })
    expect(reports.reduce((n, r) => n + Object.values(r.byReason).reduce((a, b) => a + (b ?? 0), 0), 0)).toBe(4)
    await end()
  })

  it("skips a line over the default maxLineBytes (4 MiB, more than pino's shared buffer) and keeps going", async () => {
    const { transport, logger, end } = await start({ reportIntervalMs: 0, warnings: false })
    const stats = new Promise<TransportStats>((resolve) => transport.once(EVENTS.stats, resolve))
    logger.info('before')
    logger.info({ blob: 'z'.repeat(5 * 1024 * 1024) }, 'huge')
    logger.info('after')
    await flushed(logger)
    expect(rows().map((r) => r['Body'])).toEqual(['before', 'after'])
    expect((await stats).lines.invalidByReason).toEqual({ 'too-large': 1 })
    await end()
  })

  it('stays within its buffer while Azure answers 503, counts every drop and recovers', async () => {
    // 40,000 lines of ~2 KB (~80 MB) through a worker whose heap is capped at 64 MB: an unbounded queue
    // would kill the worker; a stalled loop would pile the lines up in the main thread instead
    const transport: Transport = pino.transport({
      target: DIST_INDEX_CJS,
      options: targetOptions(emulator, {
        maxBufferRecords: 200,
        maxRetryTimeMs: 1_500,
        initialDelayMs: 50,
        maxDelayMs: 200,
        reportIntervalMs: 100,
        warnings: false,
      }),
      worker: { ...WORKER_OPTIONS, resourceLimits: { maxOldGenerationSizeMb: 64 } },
    })
    const logger = pino(transport)
    const drops: DropReport[] = []
    transport.on(EVENTS.drop, (report: DropReport) => drops.push(report))
    const errors: Error[] = []
    transport.on('error', (error: Error) => errors.push(error))
    emulator.setFaults({ rules: [{ fault: { type: 'status', status: 503 } }] })

    const payload = 'x'.repeat(2_000)
    const total = 40_000
    for (let i = 0; i < total; i++) logger.info({ i, payload }, 'during outage')
    const stats = new Promise<TransportStats>((resolve) => transport.once(EVENTS.stats, resolve))
    await flushed(logger)
    const during = await stats

    expect(errors).toEqual([])
    expect(during.lines.mapped).toBe(total) // the worker kept reading while nothing could be sent
    expect(during.records.delivered).toBe(0)
    expect(during.records.dropped).toBe(total) // every line accounted for
    expect(during.droppedByReason['buffer-full']).toBeGreaterThan(total / 2)
    expect(during.droppedByReason['retries-exhausted']).toBeGreaterThan(0)
    expect(during.records.queued).toBe(0)
    const reported = drops.reduce((n, d) => n + d.records, 0)
    expect(reported).toBe(total) // and reported to the main thread
    expect(drops.find((d) => d.reason === 'retries-exhausted')).toMatchObject({ status: 503, retriable: true })

    emulator.setFaults({ rules: [] })
    logger.info('after outage')
    await flushed(logger)
    expect(rows().map((r) => r['Body'])).toEqual(['after outage'])
    transport.end()
    await once(transport, 'close')
  })

  it('applies declarative columns and a mapperModule inside the worker (no function crosses the thread)', async () => {
    const { logger, end } = await start({
      columns: { EventName: 'evt', TraceId: { path: 'ctx.trace', type: 'string' } },
      mapperModule: fileURLToPath(new URL('./fixtures/mapper.mjs', import.meta.url)),
    })
    logger.info({ path: '/orders', evt: 'order.placed', ctx: { trace: 'abc123' } }, 'GET')
    logger.info({ path: '/health' }, 'GET') // the mapper skips it
    await flushed(logger)
    expect(rows()).toMatchObject([{ Body: '[/orders] GET', EventName: 'order.placed', TraceId: 'abc123' }])
    await end()
  })

  it('loads from an absolute path to the ESM build', async () => {
    const transport = pino.transport({ target: DIST_INDEX, options: targetOptions(emulator), worker: WORKER_OPTIONS })
    const logger = pino(transport)
    logger.info('from an absolute path')
    await flushed(logger)
    expect(byBody('from an absolute path')['SeverityText']).toBe('info')
    transport.end()
    await once(transport, 'close')
  })

  it('fails at start with an error naming the bad option', async () => {
    const transport = pino.transport({
      target: DIST_INDEX_CJS,
      options: { ...targetOptions(emulator), endpoint: 'http://example.com' },
      worker: WORKER_OPTIONS,
    })
    const [error] = (await once(transport, 'error')) as [Error]
    // cloned from the worker: the option, what is valid and the bad value
    expect(error.message).toMatch(
      /^Invalid option "endpoint": expected the https URL .* \(got "http:\/\/example\.com"\)\.$/,
    )
  })
})
