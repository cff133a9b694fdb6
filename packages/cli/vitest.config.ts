import { mergeConfig } from 'vitest/config'
import { sharedConfig } from '../../vitest.shared.ts'

export default mergeConfig(sharedConfig, {
  test: {
    // one CA per run, in NODE_EXTRA_CA_CERTS before the CLI child processes start (@azure/identity reads it then)
    globalSetup: ['@dcr-logs/test-harness/vitest-global-setup'],
  },
})
