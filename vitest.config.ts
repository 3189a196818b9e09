import {fileURLToPath} from 'node:url'
import {defineConfig} from 'vitest/config'

export default defineConfig({
  resolve: {alias: {'@': fileURLToPath(new URL('./', import.meta.url))}},
  test: {
    // The cluster acceptance run has its own config (vitest.cluster.config.ts, `npm run test:cluster`).
    environment: 'node',
    // Integration tests start real lakes and servers on free ports; give them room on 2 cores.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {name: 'unit', include: ['tests/**/*.test.ts'], exclude: ['tests/e2e/**', 'tests/security/**', 'tests/**/*.cluster.test.ts', 'node_modules/**']},
      },
      {
        // Attacks from outside against one production build (tests/security/stack.ts builds and
        // starts it once, in global-setup); files run one after another against the same servers.
        extends: true,
        test: {
          name: 'security',
          include: ['tests/security/**/*.test.ts'],
          globalSetup: ['tests/security/global-setup.ts'],
          fileParallelism: false,
        },
      },
    ],
  },
})
