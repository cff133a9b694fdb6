import { defineConfig } from 'tsdown'

export default defineConfig({
  entry: ['src/index.ts', 'src/cli.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  fixedExtension: true,
  platform: 'node',
  target: 'node20.19',
  sourcemap: true,
  // The CJS entry keeps the named exports beside `exports.default`: pino's loader unwraps `.default` (up to
  // twice), so require(), import() and pino.transport() all reach dcrLogsTransport (test/packaging.e2e.test.ts).
  // Saying so explicitly silences rolldown's MIXED_EXPORTS warning.
  outputOptions: { exports: 'named' },
})
