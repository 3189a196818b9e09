import {fileURLToPath} from 'node:url'
import {defineConfig} from 'vitest/config'

// The cluster acceptance run (tests/**/*.cluster.test.ts): a production build and five processes,
// kept apart from `vitest run` so the unit suite stays fast; `npm run test:cluster` runs it.
export default defineConfig({
  resolve: {alias: {'@': fileURLToPath(new URL('./', import.meta.url))}},
  test: {
    include: ['tests/**/*.cluster.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 900_000,
    pool: 'forks',
    fileParallelism: false,
  },
})
