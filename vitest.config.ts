import {fileURLToPath} from 'node:url'
import {defineConfig} from 'vitest/config'

export default defineConfig({
  resolve: {alias: {'@': fileURLToPath(new URL('./', import.meta.url))}},
  test: {
    include: ['tests/**/*.test.ts'],
    // The cluster acceptance run has its own config (vitest.cluster.config.ts, `npm run test:cluster`).
    exclude: ['tests/e2e/**', 'tests/**/*.cluster.test.ts', 'node_modules/**'],
    environment: 'node',
    // Integration tests start real lakes and servers on free ports; give them room on 2 cores.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
})
