/**
 * #16.16: builds into another dist dir (.next-e2e for the e2e tests, .next-bench for the benchmark)
 * must not rewrite the tracked tsconfig.json. Next.js runs the very function tested here during every
 * `next build`/`next dev`; it leaves a tsconfig that `extends` another alone.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {createRequire} from 'node:module'
import {afterEach, describe, expect, it} from 'vitest'

const require = createRequire(import.meta.url)
const {writeConfigurationDefaults} = require('next/dist/lib/typescript/writeConfigurationDefaults') as {
  writeConfigurationDefaults: (
    typescriptVersion: string,
    tsConfigPath: string,
    isFirstTimeSetup: boolean,
    hasAppDir: boolean,
    distDir: string,
    hasPagesDir: boolean,
    strictRouteTypes: boolean,
  ) => Promise<void>
}
const typescriptVersion = (require('typescript/package.json') as {version: string}).version

let dir = ''
afterEach(() => fs.rmSync(dir, {recursive: true, force: true}))

describe('tsconfig.json', () => {
  for (const distDir of ['.next', '.next-e2e', '.next-bench']) {
    it(`is left untouched by Next.js's setup for dist dir ${distDir}`, async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsconfig-'))
      for (const file of ['tsconfig.json', 'tsconfig.base.json']) {
        if (fs.existsSync(file)) fs.copyFileSync(file, path.join(dir, file))
      }
      const before = fs.readFileSync(path.join(dir, 'tsconfig.json'), 'utf8')
      await writeConfigurationDefaults(typescriptVersion, path.join(dir, 'tsconfig.json'), false, true, distDir, false, false)
      expect(fs.readFileSync(path.join(dir, 'tsconfig.json'), 'utf8')).toBe(before)
    })
  }
})
