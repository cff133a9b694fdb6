import { defineConfig } from 'tsdown'
import { packageBuild } from '../../tsdown.base.ts'

// a command, not a library: one ESM entry, no declarations
export default defineConfig({ ...packageBuild, entry: ['src/cli.ts'], format: ['esm'], dts: false })
