import { mergeConfig } from 'vitest/config'
import { sharedConfig } from '../../vitest.shared.ts'

export default mergeConfig(sharedConfig, {
  test: {
    // One CA per run, in NODE_EXTRA_CA_CERTS before the workers start, so @azure/identity in the tests trusts the
    // emulators they start (the demo's own child processes get a clean environment and start their own).
    globalSetup: ['@dcr-logs/test-harness/vitest-global-setup'],
  },
})
