import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { type Emulator, newRun, rowsOf, startEmulator } from './support.ts'

const run$ = promisify(execFile)
const FIXTURE = fileURLToPath(new URL('./fixtures/bridge-winston-pino.cjs', import.meta.url))

let emulator: Emulator
beforeAll(async () => {
  emulator = await startEmulator()
})
afterAll(async () => {
  await emulator?.close()
})

it('ships winston and pino logs bridged by the OpenTelemetry instrumentations, with their trace context', async () => {
  const run = newRun()
  // the child loads dist and is configured by the emulator's environment alone
  const child = await run$(process.execPath, [FIXTURE], {
    env: { ...process.env, ...emulator.env, BRIDGE_RUN: run },
    timeout: 60_000,
  })
  expect(child.stderr).toBe('')
  expect(child.stdout).toBe('')

  const rows = rowsOf(emulator, run)
  expect(rows.map((r) => r.Attributes?.['source']).sort()).toEqual(['pino', 'winston'])
  const winstonRow = rows.find((r) => r.Attributes?.['source'] === 'winston')!
  const pinoRow = rows.find((r) => r.Attributes?.['source'] === 'pino')!
  expect(winstonRow).toMatchObject({
    Body: 'from winston',
    SeverityText: 'warn',
    SeverityNumber: 13,
    ScopeName: '@opentelemetry/winston-transport',
    ServiceName: 'bridge-fixture',
    TraceId: expect.stringMatching(/^[0-9a-f]{32}$/),
    SpanId: expect.stringMatching(/^[0-9a-f]{16}$/),
    TraceFlags: 1,
  })
  expect(pinoRow).toMatchObject({
    Body: 'from pino',
    SeverityText: 'info',
    SeverityNumber: 9,
    ScopeName: '@opentelemetry/instrumentation-pino',
    ServiceName: 'bridge-fixture',
  })
  // both were logged inside the same span
  expect(pinoRow.TraceId).toBe(winstonRow.TraceId)
  expect(pinoRow.SpanId).toBe(winstonRow.SpanId)
})
