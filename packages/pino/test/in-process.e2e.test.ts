/** The default export used without a worker: `pino(await dcrLogsTransport(options))`. */
import { fileURLToPath } from 'node:url'
import type { DropEvent } from '@dcr-logs/core'
import { type Emulator, startEmulator } from '@dcr-logs/test-harness'
import pino from 'pino'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import dcrLogsTransport, { EVENTS, type TransportStats } from '../src/index.ts'
import { flushed, type Row, TABLE, targetOptions } from './helpers.ts'

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

const rows = (): Row[] => emulator.rows(TABLE) as Row[]

describe('in-process use', () => {
  it('applies a mapper module, reports filtered lines on the stream, and calls a user onDrop', async () => {
    const drops: DropEvent[] = []
    const stream = await dcrLogsTransport({
      ...targetOptions(emulator, { mapperModule: fileURLToPath(new URL('./fixtures/mapper.mjs', import.meta.url)) }),
      // only possible in-process: functions are not cloned here
      onDrop: (event: DropEvent) => drops.push(event),
      compression: 'none',
      maxRequestBytes: 1024,
    })
    const logger = pino(stream)
    const stats = new Promise<TransportStats>((resolve) => stream.once(EVENTS.stats, resolve))
    logger.info({ path: '/orders' }, 'GET')
    logger.info({ path: '/health' }, 'GET')
    logger.info({ path: '/big', blob: 'y'.repeat(5_000), more: 'z'.repeat(5_000) }, 'too big for a request')
    await flushed(logger)
    expect(rows().map((r) => r['Body'])).toEqual(['[/orders] GET'])
    expect((await stats).lines).toMatchObject({ mapped: 2, filtered: 1 })
    expect(drops.map((d) => d.reason)).toEqual(['record-too-large'])
    stream.end()
  })
})
