import { mergeConfig } from 'vitest/config'
import { sharedConfig } from '../../vitest.shared.ts'

export default mergeConfig(sharedConfig, {
  test: {
    // one CA per run, in NODE_EXTRA_CA_CERTS before workers start, so @azure/identity trusts the emulator
    globalSetup: ['@dcr-logs/test-harness/vitest-global-setup'],
  },
})
