import { defineConfig } from 'tsdown'

// Programs Node runs itself: the chaos run, the fleet run, and the child processes they start and kill.
export default defineConfig({
  entry: ['src/chaos.ts', 'src/fleet.ts', 'src/child.ts'],
  format: ['esm'],
  dts: false,
  fixedExtension: true,
  platform: 'node',
  target: 'node20.19',
  sourcemap: true,
})
