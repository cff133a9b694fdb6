/**
 * The built entries as pino and users load them. Runs in a child process: inside Vitest the package name
 * resolves to src (see WORKER_OPTIONS in helpers.ts).
 */
import { fileURLToPath } from 'node:url'
import { type Emulator, startEmulator } from '@dcr-logs/test-harness'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIST_INDEX, DIST_INDEX_CJS, type Row, runNode, TABLE } from './helpers.ts'

let emulator: Emulator
beforeAll(async () => {
  emulator = await startEmulator()
})
afterAll(async () => {
  await emulator?.close()
})

describe('the built package', () => {
  it('gives pino a target function from both entries, and users the named exports from both', async () => {
    const fixture = fileURLToPath(new URL('./fixtures/load-like-pino.mjs', import.meta.url))
    const result = await runNode([fixture], { env: emulator.env })
    expect(result.code, result.stderr).toBe(0)
    const report = JSON.parse(result.stdout)
    expect(report).toEqual({
      resolvedByPino: DIST_INDEX_CJS, // pino needs the `require` condition
      esmEntry: DIST_INDEX,
      requireType: 'object',
      namedFromRequire: true,
      namedFromImport: true,
      functions: {
        'pino loader, require entry': 'dcrLogsTransport',
        'pino loader, import entry': 'dcrLogsTransport',
        'require().default': 'dcrLogsTransport',
        'import() default': 'dcrLogsTransport',
      },
    })
    // each loaded function built a working transport
    expect((emulator.rows(TABLE) as Row[]).map((r) => r['Body']).sort()).toEqual(Object.keys(report.functions).sort())
  })
})
