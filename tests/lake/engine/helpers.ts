/** Real engines on temporary SQLite files for the engine tests (no mocks). */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach} from 'vitest'
import {openEngine, type Engine, LakeError} from '@/lib/lake/engine'

const cleanups: (() => unknown)[] = []

afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!()
})

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lake-engine-'))
  cleanups.push(() => rmSync(dir, {recursive: true, force: true}))
  return dir
}

/** A fresh engine on a temp file, closed (and its file removed) after the test. */
export function testEngine(file = join(tempDir(), 'lake.sqlite')): Engine & {file: string} {
  const engine = openEngine({file})
  // Settled: a path index's build still running would write into the folder removed next.
  cleanups.push(() => engine.closeWhenSettled())
  return Object.assign(engine, {file})
}

export const DS = 'production'
export const author = {author: 'test-user'}

/** Runs `work` and returns the LakeError it throws (failing the test if it throws nothing else). */
export async function lakeError(work: () => unknown): Promise<LakeError> {
  try {
    await work()
  } catch (error) {
    if (error instanceof LakeError) return error
    throw error
  }
  throw new Error('expected a LakeError, but nothing was thrown')
}
