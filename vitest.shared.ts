import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

/**
 * Shared Vitest settings. Workspace dependencies resolve to their `src` through the `dcr-logs-source`
 * export condition, so unit tests never wait for a build; code that Node loads itself (pino workers,
 * child processes, CLIs) uses `dist`, which turbo builds before `test`.
 */
export const sharedConfig = defineConfig({
  // no 'module' condition: it points some dependencies (@opentelemetry/* 2.x) at ESM builds Node itself rejects
  ssr: { resolve: { conditions: ['dcr-logs-source', 'node', 'development|production'] } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // two cores: one file at a time per package keeps loopback timing sane under turbo's parallelism
    fileParallelism: false,
    setupFiles: [fileURLToPath(new URL('./vitest.fast-check.ts', import.meta.url))],
  },
})
