import { mergeConfig } from 'vitest/config'
import { sharedConfig } from '../../vitest.shared.ts'

export default mergeConfig(sharedConfig, {
  test: {
    // one CA per run, trusted through NODE_EXTRA_CA_CERTS before the workers (and @azure/identity) start
    globalSetup: ['@dcr-logs/test-harness/vitest-global-setup'],
  },
})
