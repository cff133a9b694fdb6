import { mergeConfig } from 'vitest/config'
import { sharedConfig } from '../vitest.shared.ts'

export default mergeConfig(sharedConfig, {
  test: {
    // each run starts its own emulator and child processes; @azure/identity is not used (core's own credential config)
    testTimeout: 300_000,
  },
})
