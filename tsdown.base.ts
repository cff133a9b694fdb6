import type { UserConfig } from 'tsdown'

/** How every published package builds: ESM and CJS side by side, each with its declarations, for Node 20.19+. */
export const packageBuild = {
  format: ['esm', 'cjs'],
  dts: true,
  fixedExtension: true,
  platform: 'node',
  target: 'node20.19',
  sourcemap: true,
} satisfies UserConfig
