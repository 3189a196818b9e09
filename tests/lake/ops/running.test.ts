import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {findRunningLake, lakeCliToken, runningFilePath, writeRunningFile} from '@/lib/lake/running'
import {startTestLake} from '../server/helpers'

const dirs: string[] = []
afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, {recursive: true, force: true})))

describe('running-lake discovery', () => {
  it('finds a serving lake, with a private file, and forgets it after close', async () => {
    const t = await startTestLake()
    try {
      const found = await findRunningLake(t.dataDir)
      expect(found).toEqual({httpUrl: t.lake.httpUrl, pid: process.pid})
      expect(fs.statSync(runningFilePath(t.dataDir)).mode & 0o777).toBe(0o600)

      // The CLI token works against the running lake for writes.
      const token = lakeCliToken(t.dataDir)
      expect(lakeCliToken(t.dataDir)).toBe(token)
      const res = await fetch(`${found!.httpUrl}/v2025-02-19/data/mutate/production`, {
        method: 'POST',
        headers: {authorization: `Bearer ${token}`, 'content-type': 'application/json'},
        body: JSON.stringify({mutations: [{create: {_id: 'via-cli-token', _type: 'note'}}]}),
      })
      expect(res.status).toBe(200)
    } finally {
      await t.lake.close()
    }
    expect(fs.existsSync(runningFilePath(t.dataDir))).toBe(false)
    expect(await findRunningLake(t.dataDir)).toBeNull()
    fs.rmSync(t.dataDir, {recursive: true, force: true})
  })

  it('ignores a stale file left by a crash (dead pid, or nothing answering)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lake-running-'))
    dirs.push(dir)
    expect(await findRunningLake(dir)).toBeNull()
    writeRunningFile(dir, {httpUrl: 'http://127.0.0.1:1', pid: process.pid})
    expect(await findRunningLake(dir)).toBeNull()
    writeRunningFile(dir, {httpUrl: 'http://127.0.0.1:1', pid: 2 ** 22 + 12345})
    expect(await findRunningLake(dir)).toBeNull()
    fs.writeFileSync(runningFilePath(dir), 'garbage')
    expect(await findRunningLake(dir)).toBeNull()
  })
})
