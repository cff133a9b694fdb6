import { defineConfig } from 'tsdown'

// Two programs Node runs itself: the runner (parent, owns the emulators) and the child that runs one contender.
export default defineConfig({
  entry: ['src/run.ts', 'src/child.ts'],
  format: ['esm'],
  dts: false,
  fixedExtension: true,
  platform: 'node',
  target: 'node20.19',
  sourcemap: true,
})
