import { once } from 'node:events'
import type { DropEvent } from '@dcr-logs/core'
import { type AppLogsRow, type Emulator, startEmulator } from '@dcr-logs/test-harness'
import type winston from 'winston'
import { AzureLogsTransport, type AzureLogsTransportOptions } from '../../src/index.ts'

/** A row of `AppLogs_CL` as the emulator returns it: datetimes as Date, absent strings as '', others null. */
export type Row = AppLogsRow

export const TABLE = 'AppLogs_CL'
export const STREAM = 'Custom-AppLogs'

/** One emulator per test file; `transportFor` builds transports that ship to it and records their drops. */
export const useEmulator = () => {
  let emulator: Emulator | undefined
  const drops: DropEvent[] = []
  const get = (): Emulator => {
    if (!emulator) throw new Error('emulator not started: call start() in beforeAll')
    return emulator
  }
  return {
    start: async (options?: Parameters<typeof startEmulator>[0]) => {
      emulator = await startEmulator(options)
    },
    stop: async () => {
      await emulator?.close()
    },
    reset: () => {
      drops.length = 0
      get().reset()
    },
    get emulator() {
      return get()
    },
    drops,
    transportFor: (options: AzureLogsTransportOptions = {}, ruleIndex = 0) => {
      const e = get()
      const rule = e.rules[ruleIndex]
      if (!rule) throw new Error(`the emulator has no rule #${ruleIndex}`)
      return new AzureLogsTransport({
        endpoint: e.endpoint,
        ruleId: rule.ruleId,
        streamName: STREAM,
        credential: e.credentialConfig,
        onDrop: (event) => drops.push(event),
        ...options,
      })
    },
  }
}

/** `logger.end()`, resolved on the logger's `'finish'`. */
export const endLogger = async (logger: winston.Logger): Promise<void> => {
  const finished = once(logger, 'finish')
  logger.end()
  await finished
}
