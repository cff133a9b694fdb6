/**
 * What Node itself runs: the built package (dist) in child processes, configured only through the environment,
 * as an application would use it.
 */
import { execFile, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type Row, TABLE, useEmulator } from './helpers/emulator.ts'

const run = promisify(execFile)
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))
const packageDir = fileURLToPath(new URL('..', import.meta.url))
const env = useEmulator()

/** Runs a fixture with the emulator's environment; resolves with its exit code and output, whatever the code. */
const runFixture = async (name: string, args: string[] = [], extraEnv: Record<string, string> = {}) => {
  try {
    const { stdout, stderr } = await run(process.execPath, [fixture(name), ...args], {
      cwd: packageDir,
      env: { ...process.env, ...env.emulator.env, ...extraEnv },
      timeout: 60_000,
    })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string }
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }
  }
}

beforeAll(() => env.start())
afterAll(() => env.stop())
beforeEach(() => env.reset())

describe('the built package in a child process', () => {
  it('loses none of 10,000 records when the process ends the logger', async () => {
    const { code, stdout, stderr } = await runFixture('log-many.mjs', ['end'])
    expect(stderr).toBe('')
    expect(code).toBe(0)
    expect(JSON.parse(stdout)).toMatchObject({ accepted: 10_000, delivered: 10_000, dropped: 0 })
    const rows = env.emulator.rows<Row>(TABLE)
    expect(rows).toHaveLength(10_000)
    expect(new Set(rows.map((r) => (r.Attributes as { i: number }).i)).size).toBe(10_000)
  })

  it('keeps the process alive while logger.end() waits out a retry', async () => {
    env.emulator.setFaults({ rules: [{ fault: { type: 'status', status: 503, retryAfterSeconds: 1 }, times: 2 }] })
    const { code, stdout, stderr } = await runFixture('log-many.mjs', ['end'], { COUNT: '100' })
    expect([code, stderr]).toEqual([0, ''])
    expect(JSON.parse(stdout)).toMatchObject({ delivered: 100, dropped: 0, retried: 200 })
    expect(env.emulator.rows(TABLE)).toHaveLength(100)
  })

  it('loses none of 10,000 records when the process just runs out of work', async () => {
    const { code, stderr } = await runFixture('log-many.mjs', ['natural'])
    expect(stderr).toBe('')
    expect(code).toBe(0)
    expect(env.emulator.rows(TABLE)).toHaveLength(10_000)
  })

  it('waits out a retry when the process just runs out of work', async () => {
    env.emulator.setFaults({ rules: [{ fault: { type: 'status', status: 503, retryAfterSeconds: 1 }, times: 1 }] })
    const { code, stderr } = await runFixture('log-many.mjs', ['natural'], { COUNT: '100' })
    expect([code, stderr]).toEqual([0, ''])
    expect(env.emulator.rows(TABLE)).toHaveLength(100)
  })

  it("delivers everything on SIGTERM with the README's handler", async () => {
    const child = spawn(process.execPath, [fixture('log-many.mjs'), 'sigterm'], {
      cwd: packageDir,
      env: { ...process.env, ...env.emulator.env, COUNT: '2000' },
    })
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
    })
    // signalled once it has logged everything and sits idle like a server
    child.stdout.setEncoding('utf8').once('data', () => child.kill('SIGTERM'))
    const [code, signal] = (await once(child, 'close')) as [number | null, string | null]
    expect([code, signal, stderr]).toEqual([0, null, ''])
    expect(env.emulator.rows(TABLE)).toHaveLength(2_000)
  })

  it("delivers an uncaught exception within winston's window, then emits 'finish' so winston exits at once", async () => {
    const { code, stdout, stderr } = await runFixture('uncaught.mjs', ['exception'])
    expect(code).toBe(1)
    // winston exits when every handling transport emitted 'finish', instead of waiting out its 3 s
    expect(stdout).toBe('finish\n')
    expect(stderr).not.toMatch(/^drop /m)
    const rows = env.emulator.rows<Row>(TABLE)
    expect(rows.map((r) => r.SeverityText)).toEqual(['info', 'error'])
    expect(rows[1]).toMatchObject({ ExceptionType: 'TypeError', ExceptionMessage: 'uncaught boom' })
    expect(rows[1]!.Body).toMatch(/^uncaughtException: uncaught boom/)
    expect(rows[1]!.Attributes).toMatchObject({ exception: true })
  })

  it("delivers an unhandled rejection within winston's window, then emits 'finish'", async () => {
    const { code, stdout } = await runFixture('uncaught.mjs', ['rejection'])
    expect(code).toBe(1)
    expect(stdout).toBe('finish\n')
    const rows = env.emulator.rows<Row>(TABLE)
    expect(rows.map((r) => r.SeverityText)).toEqual(['info', 'error'])
    expect(rows[1]).toMatchObject({ ExceptionType: 'RangeError', ExceptionMessage: 'unhandled boom' })
    expect(rows[1]!.Attributes).toMatchObject({ rejection: true })
  })

  it('reports what it could not deliver before winston exits, instead of losing it silently', async () => {
    env.emulator.setFaults({ rules: [{ fault: { type: 'hang' } }] })
    const { code, stdout, stderr } = await runFixture('uncaught.mjs', ['exception'])
    expect(stderr).toMatch(/^drop shutdown-timeout 2$/m)
    expect(env.emulator.rows(TABLE)).toEqual([])
    expect(code).toBe(1)
    expect(stdout).toBe('finish\n')
  })

  it('has its token before the crash: fetched when the transport is made, not when the crash is reported', async () => {
    // the first token takes 3.5 s: fetched only at the crash, it would come after winston's exit
    const { code, stdout, stderr } = await runFixture('uncaught.mjs', ['exception', 'slow-token'])
    expect(env.emulator.rows<Row>(TABLE).map((r) => r.SeverityText)).toEqual(['info', 'error'])
    expect(stderr).not.toMatch(/^drop /m)
    expect(code).toBe(1)
    expect(stdout).toBe('finish\n')
  })

  it('carries the trace context that @opentelemetry/instrumentation-winston adds to records', async () => {
    const { code, stdout, stderr } = await runFixture('otel-correlation.cjs')
    expect([code, stderr]).toEqual([0, ''])
    const span = JSON.parse(stdout) as { traceId: string; spanId: string; traceFlags: number }
    const rows = env.emulator.rows<Row>(TABLE)
    const inside = rows.find((r) => (r.Attributes as { where: string }).where === 'inside')
    const outside = rows.find((r) => (r.Attributes as { where: string }).where === 'outside')
    expect(inside).toMatchObject({ TraceId: span.traceId, SpanId: span.spanId, TraceFlags: span.traceFlags })
    // the columns, not Attributes, hold them
    expect(inside!.Attributes).toEqual({ where: 'inside' })
    expect(outside).toMatchObject({ TraceId: '', SpanId: '' })
  })

  it('works from CommonJS require and from an ES module import', async () => {
    const cjs = await runFixture('require.cjs')
    const esm = await runFixture('import.mjs')
    expect([cjs.code, cjs.stderr, cjs.stdout]).toEqual([0, '', 'finished\n'])
    expect([esm.code, esm.stderr, esm.stdout]).toEqual([0, '', 'finished\n'])
    const rows = env.emulator.rows<Row>(TABLE)
    expect(rows.map((r) => [r.Body, (r.Attributes as { moduleSystem: string }).moduleSystem]).sort()).toEqual([
      ['from import', 'esm'],
      ['from require', 'cjs'],
    ])
  })

  it('type-checks TypeScript consumers of both builds', async () => {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
    const result = await run(process.execPath, [tsc, '-p', fixture('types/tsconfig.json')], { cwd: packageDir }).then(
      () => ({ ok: true, output: '' }),
      (e: { stdout?: string }) => ({ ok: false, output: e.stdout ?? '' }),
    )
    expect(result).toEqual({ ok: true, output: '' })
  })
})
