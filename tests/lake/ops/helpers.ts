/** Shared by the lake operations tests: run the lake CLI in-process, and temp dirs removed after the file. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterAll, vi} from 'vitest'

/** Runs `npm run lake -- <args>` against `dataDir`, capturing what it prints. */
export async function runCli(dataDir: string, ...args: string[]): Promise<{code: number; out: string}> {
  const {main} = await import('@/lib/lake/cli')
  const out: string[] = []
  const log = vi.spyOn(console, 'log').mockImplementation((...parts) => void out.push(parts.join(' ')))
  const err = vi.spyOn(console, 'error').mockImplementation((...parts) => void out.push(parts.join(' ')))
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
  try {
    return {code: await main(args, dataDir), out: out.join('\n')}
  } finally {
    log.mockRestore()
    err.mockRestore()
    stderr.mockRestore()
  }
}

/** A `tempDir(prefix)` whose directories are deleted when the test file ends. */
export function tempDirs(): (prefix: string) => string {
  const dirs: string[] = []
  afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, {recursive: true, force: true})))
  return (prefix) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
    dirs.push(dir)
    return dir
  }
}
