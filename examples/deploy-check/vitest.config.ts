import { mergeConfig } from 'vitest/config'
import { sharedConfig } from '../../vitest.shared.ts'

export default mergeConfig(sharedConfig, {
  // one CA per run, in NODE_EXTRA_CA_CERTS before the workers start, so @azure/identity trusts the emulator
  test: { globalSetup: ['@dcr-logs/test-harness/vitest-global-setup'] },
})
