/**
 * #18 findings 7 and 9: a damaged lake database is never served, and the lake's databases are
 * readable by their owner only. Driven from outside: the lake's own CLI (`npm run lake -- serve`)
 * in a child process, as an operator would start it.
 */
import {spawn} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {openEngine} from '@/lib/lake/engine'
import {freePort, REPO_ROOT} from './stack'
import {stack} from './http'

const tsx = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx')
const cli = path.join(REPO_ROOT, 'lib', 'lake', 'cli.ts')
const dirs: string[] = []
afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, {recursive: true, force: true})))

/** Starts `lake serve` on `dataDir`; resolves when it is healthy or has exited. */
async function serveLake(dataDir: string): Promise<{code: number | null; output: string; healthy: boolean; stop: () => Promise<void>}> {
  const [port, httpPort] = [await freePort(), await freePort()]
  const child = spawn(tsx, [cli, 'serve', '--port', String(port), '--http-port', String(httpPort)], {
    cwd: REPO_ROOT,
    env: {...process.env, LAKE_DATA_DIR: dataDir},
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk) => (output += chunk))
  child.stderr.on('data', (chunk) => (output += chunk))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM')
    await exited
  }
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      const response = await fetch(`http://127.0.0.1:${httpPort}/v2025-02-19/data/query/production?query=count(*)`)
      if (response.ok) return {code: null, output, healthy: true, stop}
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  return {code: await Promise.race([exited, new Promise<null>((resolve) => setTimeout(() => resolve(null), 1000))]), output, healthy: false, stop}
}

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dispatch-lake-store-'))
  dirs.push(dir)
  return dir
}

describe('a damaged database', () => {
  it('makes the lake refuse to start, saying how to recover, instead of serving part of it', async () => {
    const dataDir = tempDir()
    const file = path.join(dataDir, 'lake.sqlite')
    const engine = openEngine({file})
    const documents = Array.from({length: 2500}, (_, i) => ({_id: `doc-${i}`, _type: 'note', title: `Note ${i}`, body: 'x'.repeat(400)}))
    await engine.importDocuments('production', documents, {mode: 'create', author: 'test'})
    engine.close()
    // Overwrite bytes in the middle of the file, as a failing disk or a stray write would.
    const size = fs.statSync(file).size
    const fd = fs.openSync(file, 'r+')
    fs.writeSync(fd, Buffer.alloc(16 * 1024, 0x5a), 0, 16 * 1024, Math.floor(size * 0.4))
    fs.closeSync(fd)

    const lake = await serveLake(dataDir)
    await lake.stop()
    expect(lake.healthy, lake.output).toBe(false)
    expect(lake.code).not.toBe(0)
    expect(lake.output).toMatch(/damaged/)
    expect(lake.output).toMatch(/restore/i)
    expect(lake.output).not.toMatch(/^\s+at /m)
  })
})

describe('file permissions', () => {
  it('the running lake keeps its databases readable by their owner only', () => {
    for (const name of ['lake.sqlite', 'lake.sqlite-wal', 'auth.sqlite', 'auth.sqlite-wal']) {
      const file = path.join(stack().lakeDataDir, name)
      if (!fs.existsSync(file)) continue
      expect((fs.statSync(file).mode & 0o777).toString(8), name).toBe('600')
    }
    expect(fs.existsSync(path.join(stack().lakeDataDir, 'lake.sqlite'))).toBe(true)
  })

  it('a fresh lake creates them 0600 even under a permissive umask', async () => {
    const dataDir = tempDir()
    const previous = process.umask(0o022)
    try {
      const lake = await serveLake(dataDir)
      await lake.stop()
      expect(lake.healthy, lake.output).toBe(true)
    } finally {
      process.umask(previous)
    }
    for (const name of ['lake.sqlite', 'auth.sqlite']) {
      expect((fs.statSync(path.join(dataDir, name)).mode & 0o777).toString(8), name).toBe('600')
    }
  })
})
