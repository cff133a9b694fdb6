/**
 * Findings of issue 13 for the pino target: close on a destroyed source (real pino worker threads and in-process),
 * deadlines, the in-process exit hook, options core resolves from the environment, and mapping failures counted
 * as drops.
 */
import { fileURLToPath } from 'node:url'
import type { DropEvent } from '@dcr-logs/core'
import { type Emulator, startEmulator } from '@dcr-logs/test-harness'
import pino from 'pino'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest'
import { createTransport, EVENTS, type TransportStats } from '../src/index.ts'
import { flushed, type Row, runNode, TABLE, targetOptions, WORKER_OPTIONS } from './helpers.ts'

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))

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
afterEach(() => {
  vi.unstubAllEnvs()
  vi.restoreAllMocks()
  vi.useRealTimers()
})

const rows = (): Row[] => emulator.rows(TABLE) as Row[]

/** Resolves with `promise`, or rejects after `ms`: a hang shows up as a failure, not as a stuck suite. */
const within = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms),
    ),
  ])

describe('close on a destroyed source', () => {
  it("closes within its deadline when the source is destroyed mid-read in pino's worker, delivering what was read", async () => {
    const transport = pino.transport({
      target: fixture('destroying-target.mjs'),
      options: { ...targetOptions(emulator), destroyAfterMs: 300, closeTimeoutMs: 3_000 },
      worker: WORKER_OPTIONS,
    })
    const stats = new Promise<TransportStats>((resolve) => transport.once(EVENTS.stats, resolve))
    const closeMs = new Promise<number>((resolve) => transport.once('test:closed', resolve))
    const logger = pino(transport)
    for (let i = 0; i < 20; i++) logger.info({ i }, 'before the destroy')
    // thread-stream gives a stuck close() 10 s; this one is done in well under its own 3 s deadline
    expect(await within(closeMs, 9_000, "the worker's close")).toBeLessThan(3_000)
    expect((await stats).records).toMatchObject({ delivered: 20, dropped: 0 })
    expect(rows()).toHaveLength(20)
  })

  it('in-process: a stream destroyed while the loop waits closes, taking the lines still buffered', async () => {
    const handle = await createTransport(targetOptions(emulator, { closeTimeoutMs: 3_000 }), { exitHooks: false })
    const { stream } = handle
    for (let i = 0; i < 5; i++) stream.write(`${JSON.stringify({ level: 30, time: Date.now(), msg: 'read', i })}\n`)
    await vi.waitFor(() => expect(handle.stats().lines.mapped).toBe(5))
    // the loop now waits for a line that never comes; the destroy happens right there
    stream.destroy()
    const stats = await within(handle.closed, 5_000, 'close()')
    expect(stats.records).toMatchObject({ delivered: 5, dropped: 0 })
    expect(rows()).toHaveLength(5)
  })
})

describe('deadlines and options', () => {
  it('gives logger.flush() a default deadline (flushTimeoutMs, 10 s)', async () => {
    emulator.setFaults({ rules: [{ fault: { type: 'hang' } }] })
    // the test helper's long flush deadline left out: the default applies
    // and a request deadline (a real timer: the request starts before the fake ones) far beyond the flush's, so on
    // a loaded machine only the flush deadline can end the wait
    const { flushTimeoutMs: _, ...options } = targetOptions(emulator, { lingerMs: 0, requestTimeoutMs: 300_000 })
    const handle = await createTransport(options, { exitHooks: false })
    // a failed assertion must not leave the hung request to a later test
    onTestFinished(async () => {
      vi.useRealTimers()
      emulator.setFaults(undefined)
      handle.stream.destroy()
      await handle.closed
    })
    const logger = pino(handle.stream)
    logger.info('stuck')
    await vi.waitFor(() => expect(handle.stats().records.inFlight).toBe(1))
    // Date too: the flush measures what is left of its deadline with Date.now(), and a real clock would let a
    // stall of the test process shorten it
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    let done = false
    void flushed(logger).then(() => {
      done = true
    })
    await vi.advanceTimersByTimeAsync(9_900)
    expect(done).toBe(false)
    await vi.advanceTimersByTimeAsync(200)
    expect(done).toBe(true)
  })

  it('waits for room with DCR_LOGS_OVERFLOW=wait, as core resolved it, instead of reading the raw option', async () => {
    vi.stubEnv('DCR_LOGS_OVERFLOW', 'wait')
    const drops: DropEvent[] = []
    const handle = await createTransport(
      { ...targetOptions(emulator, { maxBufferRecords: 5, lingerMs: 0 }), onDrop: (e: DropEvent) => drops.push(e) },
      { exitHooks: false },
    )
    const logger = pino(handle.stream)
    for (let i = 0; i < 60; i++) logger.info({ i }, 'burst')
    await flushed(logger)
    expect(drops).toEqual([])
    expect(rows()).toHaveLength(60)
    handle.stream.end()
    await handle.closed
  })

  it('takes the close deadline from DCR_LOGS_CLOSE_TIMEOUT_MS when the option is not set', async () => {
    vi.stubEnv('DCR_LOGS_CLOSE_TIMEOUT_MS', '300')
    // answered after 2 s: within pino's default 8 s it would be delivered, within 300 ms it is not
    emulator.setFaults({ rules: [{ fault: { type: 'latency', ms: 2_000 } }] })
    const drops: DropEvent[] = []
    const handle = await createTransport(
      { ...targetOptions(emulator), onDrop: (e: DropEvent) => drops.push(e) },
      { exitHooks: false },
    )
    handle.stream.write(`${JSON.stringify({ level: 30, msg: 'never answered' })}\n`)
    handle.stream.end()
    await handle.closed
    emulator.setFaults(undefined)
    expect(drops.map((d) => [d.reason, d.records.length])).toEqual([['shutdown-timeout', 1]])
  })

  it('warns once per unknown option name, naming the closest one; strictOptions makes it an error', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {})
    const handle = await createTransport({ ...targetOptions(emulator), lingerMss: 5 } as never, { exitHooks: false })
    expect(warn.mock.calls.map((c) => String(c[0]))).toEqual([
      expect.stringContaining('@dcr-logs/pino: unknown option "lingerMss" (did you mean "lingerMs"?)'),
    ])
    handle.stream.end()
    await handle.closed
    await expect(
      createTransport({ ...targetOptions(emulator), strictOptions: true, messageKy: 'm' } as never, {
        exitHooks: false,
      }),
    ).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      message: expect.stringContaining('"messageKy" (did you mean "messageKey"?)'),
    })
  })
})

describe('mapping failures', () => {
  it('are counted by core as dropped records and reach onDrop, as in every adapter', async () => {
    const drops: DropEvent[] = []
    const handle = await createTransport(
      {
        ...targetOptions(emulator, { mapperModule: fixture('throwing-mapper.mjs') }),
        onDrop: (e: DropEvent) => drops.push(e),
      },
      { exitHooks: false },
    )
    const logger = pino(handle.stream)
    logger.info({ user: { name: 'ada' } }, 'mapped')
    logger.info({ user: null }, 'not mapped')
    await flushed(logger)
    handle.stream.end()
    const stats = await handle.closed
    expect(stats.records).toMatchObject({ delivered: 1, dropped: 1 })
    expect(stats.droppedByReason).toEqual({ 'invalid-record': 1 })
    expect(drops).toHaveLength(1)
    expect(drops[0]!.error.message).toMatch(/the pino line could not be mapped: Cannot read properties of null/)
    expect(JSON.parse(drops[0]!.records[0]!)).toMatchObject({ msg: 'not mapped', user: null })
  })
})

describe('in-process use at exit', () => {
  it('delivers what is queued when the event loop runs dry', async () => {
    const result = await runNode([fixture('in-process-app.mjs'), 'natural'], { env: emulator.env })
    expect([result.code, result.stderr]).toEqual([0, ''])
    expect(rows()).toHaveLength(100)
  })

  it('reports the records process.exit() cut off to onDrop and on stderr, instead of losing them silently', async () => {
    const result = await runNode([fixture('in-process-app.mjs'), 'exit'], { env: emulator.env })
    expect(result.code).toBe(0)
    const [dropLine, countLine] = result.stderr.split('\n')
    expect(dropLine).toBe('onDrop shutdown-timeout 100 0')
    expect(countLine).toMatch(/^@dcr-logs\/pino: 100 log record\(s\) still queued were lost at process exit/)
  })
})
