import { mergeConfig } from 'vitest/config'
import { sharedConfig } from '../vitest.shared.ts'

export default mergeConfig(sharedConfig, {
  test: {
    // the quick benchmark forks its own processes and emulators; it needs no global setup
    testTimeout: 120_000,
  },
})
