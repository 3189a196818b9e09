/**
 * Sanity CLI settings: used by `npm run typegen` (schema extract + typegen, fully offline) and by
 * any `sanity` command run in this repo. Nothing here may call out of the machine: update checks
 * are off below, and CLI telemetry is off through DO_NOT_TRACK=1, which every `sanity` invocation
 * in package.json sets (the CLI has no config switch for it).
 */
import {defineCliConfig} from 'sanity/cli'
import {dataset, projectId} from './sanity/env'

export default defineCliConfig({
  api: {projectId, dataset},
  deployment: {autoUpdates: false},
  typegen: {
    path: ['./app/**/*.{ts,tsx}', './sanity/lib/**/*.{ts,tsx}', './lib/**/*.{ts,tsx}'],
    schema: './sanity/extract.json',
    generates: './sanity/types.ts',
    overloadClientMethods: true,
  },
})
