/**
 * Exit paths in child processes (the emulator stays in this process, so pino's blocking `end()` in the
 * child does not stop it from answering), plus multi-target and old-pino setups.
 */
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Emulator, startEmulator } from '@dcr-logs/test-harness'
import pino from 'pino'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { DIST_INDEX, FIXTURE_APP, flushed, type Row, runNode, TABLE, targetOptions, WORKER_OPTIONS } from './helpers.ts'

let emulator: Emulator
let dir: string
beforeAll(async () => {
  emulator = await startEmulator()
  dir = await mkdtemp(join(tmpdir(), 'dcr-logs-pino-'))
})
afterAll(async () => {
  await emulator?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})
beforeEach(() => {
  emulator.reset()
})

const rows = (): Row[] => emulator.rows(TABLE) as Row[]
const indexes = (): number[] => rows().map((r) => (r['Attributes'] as { i: number }).i)

/** The app gets only the environment (no credential in its options): the worker builds the credential from AZURE_*. */
const runApp = (config: Record<string, unknown>, extra: Parameters<typeof runNode>[1] = {}) =>
  runNode([FIXTURE_APP, JSON.stringify(config)], { env: emulator.env, ...extra })

describe('delivery on exit', () => {
  it('loses none of 10,000 lines when the app calls process.exit() right after logging', async () => {
    const result = await runApp({ count: 10_000, mode: 'exit' })
    expect(result.code, result.stderr).toBe(0)
    // delivered before the process ended: no waiting here
    expect(rows()).toHaveLength(10_000)
    expect(new Set(indexes()).size).toBe(10_000)
    expect(result.stderr).toBe('')
  })

  it('delivers everything when the event loop empties', async () => {
    const result = await runApp({ count: 1_000, mode: 'natural' })
    expect(result.code, result.stderr).toBe(0)
    expect(rows()).toHaveLength(1_000)
    expect(rows()[0]).toMatchObject({ ServiceName: 'fixture-app', Body: 'line', SeverityText: 'info' })
  })

  it('delivers everything on SIGTERM when the app turns it into process.exit() (as the README says)', async () => {
    const result = await runApp(
      { count: 2_000, mode: 'sigterm' },
      { onStdout: (out, kill) => out.includes('logged') && kill('SIGTERM') },
    )
    expect(result.code, result.stderr).toBe(0)
    expect(rows()).toHaveLength(2_000)
  })

  it("delivers everything before 'finish' when the app ends the transport itself (as the README says)", async () => {
    let rowsAtFinish = -1
    const result = await runApp(
      { count: 2_000, mode: 'end' },
      {
        onStdout: (out) => {
          // the child reads 'finish' only after its requests were answered, so the rows are already here
          if (rowsAtFinish < 0 && out.includes('finished')) rowsAtFinish = rows().length
        },
      },
    )
    expect(result.code, result.stderr).toBe(0)
    expect(rowsAtFinish).toBe(2_000)
    expect(new Set(indexes()).size).toBe(2_000)
  })

  it('reports what it could not deliver in time on stderr instead of losing it silently', async () => {
    emulator.setFaults({ rules: [{ fault: { type: 'hang' } }] })
    const result = await runApp({ count: 50, mode: 'exit', options: { closeTimeoutMs: 1_000 } })
    emulator.setFaults({ rules: [] })
    expect(result.code).toBe(0)
    expect(result.stderr).toMatch(/@dcr-logs\/pino: 0 delivered, 50 dropped \(shutdown-timeout 50\)/)
  })
})

describe('beside other targets', () => {
  it('ships its level while pino/file writes its own, from one pino.transport({ targets })', async () => {
    const file = join(dir, 'app.log')
    const result = await runApp({ count: 1_000, mode: 'targets', file })
    expect(result.code, result.stderr).toBe(0)
    const written = readFileSync(file, 'utf8').trim().split('\n')
    expect(written).toHaveLength(1_000)
    // our target has level 'info': the 500 debug lines stay out of Azure
    expect(rows()).toHaveLength(500)
    expect(rows().every((r) => r['SeverityText'] === 'info')).toBe(true)
  })

  it('reads messageKey and custom levels from pino in a targets setup too', async () => {
    const file = join(dir, 'config.log')
    const pinoOptions = { messageKey: 'message', customLevels: { audit: 35 } }
    const result = await runApp({ count: 4, mode: 'targets', file, pinoOptions })
    expect(result.code, result.stderr).toBe(0)
    expect(rows().map((r) => [r['Body'], r['SeverityText'], r['SeverityNumber']])).toEqual([
      ['line', 'info', 9],
      ['line', 'info', 9],
      ['audited', 'audit', 11],
    ])
  })
})

describe('with @opentelemetry/instrumentation-pino', () => {
  it('carries the trace context the instrumentation adds to lines logged inside a span', async () => {
    const fixture = fileURLToPath(new URL('./fixtures/otel-correlation.cjs', import.meta.url))
    const result = await runNode([fixture], { env: emulator.env })
    expect(result.code, result.stderr).toBe(0)
    const span = JSON.parse(result.stdout) as { traceId: string; spanId: string; traceFlags: number }
    const inside = rows().find((r) => (r['Attributes'] as { where: string }).where === 'inside')
    const outside = rows().find((r) => (r['Attributes'] as { where: string }).where === 'outside')
    expect(inside).toMatchObject({ TraceId: span.traceId, SpanId: span.spanId, TraceFlags: span.traceFlags })
    // the columns, not Attributes, hold them
    expect(inside?.['Attributes']).toEqual({ where: 'inside' })
    expect(outside).toMatchObject({ TraceId: '', SpanId: '' })
  })
})

describe('pino without PINO_CONFIG (older than 8.21)', () => {
  it('warns on the main thread and maps with the default keys', async () => {
    // what old pino did: a thread-stream whose worker data are the options themselves
    const ThreadStream = createRequire(createRequire(import.meta.url).resolve('pino'))('thread-stream')
    const stream = new ThreadStream({
      filename: DIST_INDEX,
      workerData: targetOptions(emulator),
      workerOpts: WORKER_OPTIONS,
      sync: false,
    })
    const warning = new Promise<Error>((resolve) => process.once('warning', resolve))
    const logger = pino(stream)
    logger.info({ a: 1 }, 'old pino')
    expect((await warning).message).toMatch(/does not send its configuration/)
    await flushed(stream)
    expect(rows()).toMatchObject([{ Body: 'old pino', SeverityText: 'info', Attributes: { a: 1 } }])
    stream.end()
  })
})
