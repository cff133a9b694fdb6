import { defineConfig } from 'tsdown'
import { packageBuild } from '../../tsdown.base.ts'

export default defineConfig({
  ...packageBuild,
  entry: ['src/index.ts', 'src/cli.ts'],
  // The CJS entry keeps the named exports beside `exports.default`: pino's loader unwraps `.default` (up to
  // twice), so require(), import() and pino.transport() all reach dcrLogsTransport (test/packaging.e2e.test.ts).
  // Saying so explicitly silences rolldown's MIXED_EXPORTS warning.
  outputOptions: { exports: 'named' },
})
