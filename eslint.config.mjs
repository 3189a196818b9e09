import nextVitals from 'eslint-config-next/core-web-vitals'
import nextTs from 'eslint-config-next/typescript'

const config = [
  ...nextVitals,
  ...nextTs,
  {
    // Next loads the cache handler with `require`, so it and its registry are CommonJS.
    files: ['**/*.cjs'],
    rules: {'@typescript-eslint/no-require-imports': 'off'},
  },
  {
    ignores: ['.next*/**', '**/.next*/**', 'node_modules/**', '.lake*/**', 'test-results/**', 'playwright-report/**', 'bench/.data/**', 'sanity/types.ts', 'next-env.d.ts'],
  },
]

export default config
