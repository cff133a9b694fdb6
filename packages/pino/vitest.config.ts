import { mergeConfig } from 'vitest/config'
import { sharedConfig } from '../../vitest.shared.ts'

export default mergeConfig(sharedConfig, {
  test: {
    // one CA per run, in NODE_EXTRA_CA_CERTS before the test processes start: pino's worker threads and the
    // child processes (exit tests, the CLI) inherit it, and @azure/identity reads it only at process start
    globalSetup: ['@dcr-logs/test-harness/vitest-global-setup'],
  },
})
