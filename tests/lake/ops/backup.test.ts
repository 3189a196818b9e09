/**
 * Online backup: taken with SQLite's backup API while 1,000 acknowledged writes go on, restored
 * into an empty data dir, it equals the source's export at the backup's transaction: every
 * document as the last write at or before that transaction left it, none from later writes.
 */
import fs from 'node:fs'
import path from 'node:path'
import sharp from 'sharp'
import {describe, expect, it} from 'vitest'
import {openEngine} from '@/lib/lake/engine'
import {startTestLake} from '../server/helpers'
import {runCli, tempDirs} from './helpers'

const tempDir = tempDirs()
const cli = runCli

function exportOf(dataDir: string): Map<string, Record<string, unknown>> {
  const engine = openEngine({file: path.join(dataDir, 'lake.sqlite')})
  try {
    return new Map([...engine.exportDocuments('production')].map((doc) => [doc._id, doc as Record<string, unknown>]))
  } finally {
    engine.close()
  }
}

const WRITES = 1000
const IDS = 37

describe('backup and restore', () => {
  it('a backup taken during 1,000 acknowledged writes restores to the source at the backup’s transaction', {timeout: 120_000}, async () => {
    const lake = await startTestLake()
    try {
      const image = await lake.editor.assets.upload('image', await sharp({create: {width: 8, height: 8, channels: 3, background: '#0f0'}}).png().toBuffer())
      // Every write is acknowledged (its transaction committed) before the next one starts; each
      // returns the document as committed, so the state after write i is known exactly.
      const acknowledged: Record<string, unknown>[] = []
      let backupStartedAt = -1
      let backupDoneAt = -1
      const backupFile = path.join(tempDir('lake-backup-'), 'backup.tar.gz')
      let backupRun: Promise<{code: number; out: string}> | null = null
      // At least WRITES writes, and on until 100 more than the backup's end: however fast commits
      // are against the backup's own run (a CLI process), some are acknowledged after it finished.
      for (let i = 0; i < WRITES || backupDoneAt < 0 || i < backupDoneAt + 100; i++) {
        if (i === 300) {
          backupStartedAt = i
          backupRun = cli(lake.dataDir, 'backup', backupFile).then((result) => ((backupDoneAt = acknowledged.length), result))
        }
        const id = `doc-${i % IDS}`
        const result = await lake.editor.createOrReplace({_id: id, _type: 'note', n: i, image: {_type: 'image', asset: {_type: 'reference', _ref: image._id}}}, {returnDocuments: true})
        acknowledged.push(result as unknown as Record<string, unknown>)
      }
      const backup = await backupRun!
      expect(backup.code, backup.out).toBe(0)
      // "During": writes were acknowledged while the backup ran, and after it finished.
      expect(backupDoneAt).toBeGreaterThan(backupStartedAt)
      expect(backupDoneAt).toBeLessThan(acknowledged.length)

      const target = tempDir('lake-restore-')
      fs.rmSync(target, {recursive: true})
      const restored = await cli(target, 'restore', backupFile)
      expect(restored.code, restored.out).toBe(0)
      const after = exportOf(target)

      // The backup's transaction: the newest acknowledged write the restored data contains.
      const revisions = new Map(acknowledged.map((doc, i) => [doc._rev as string, i]))
      const notes = [...after.values()].filter((doc) => doc._type === 'note')
      const k = Math.max(...notes.map((doc) => revisions.get(doc._rev as string) ?? -1))
      expect(k).toBeGreaterThanOrEqual(backupStartedAt - 1)
      expect(k).toBeLessThan(acknowledged.length - 1)
      expect(k).toBeLessThanOrEqual(backupDoneAt)

      // The source's export at transaction k, from the acknowledged writes.
      const expected = new Map<string, Record<string, unknown>>()
      for (let i = 0; i <= k; i++) expected.set(acknowledged[i]._id as string, acknowledged[i])
      expect(new Map(notes.map((doc) => [doc._id as string, doc]))).toEqual(expected)
      // Documents that are not notes (the image asset) came along, and so did its file.
      expect(after.get(image._id)).toMatchObject({_type: 'sanity.imageAsset', sha1hash: image.sha1hash})
      expect(fs.existsSync(path.join(target, 'assets', 'originals', image.sha1hash.slice(0, 2), image.sha1hash))).toBe(true)
      // Accounts and tokens came along too: the source's editor token works on the restored lake.
      const {startLake} = await import('@/lib/lake/server')
      const second = await startLake({dataDir: target, port: 0, httpPort: 0, logger: () => {}})
      try {
        const res = await fetch(`${second.httpUrl}/v2025-02-19/data/doc/production/doc-0`, {headers: {authorization: `Bearer ${lake.editorToken}`}})
        expect(res.status).toBe(200)
      } finally {
        await second.close()
      }
    } finally {
      await lake.close()
    }
  })

  it('restore refuses a data dir in use or with data, and files that are not backups', async () => {
    const lake = await startTestLake()
    try {
      const file = path.join(tempDir('lake-backup-'), 'b.tar.gz')
      expect((await cli(lake.dataDir, 'backup', file)).code).toBe(0)
      const running = await cli(lake.dataDir, 'restore', file, '--replace')
      expect(running.code).toBe(2)
      expect(running.out).toContain('stop it before restoring')
    } finally {
      await lake.close()
    }
    const target = tempDir('lake-restore-')
    const file = path.join(tempDir('lake-backup-'), 'b.tar.gz')
    fs.writeFileSync(path.join(target, 'lake.sqlite'), '')
    const lakeDir = tempDir('lake-src-')
    const engine = openEngine({file: path.join(lakeDir, 'lake.sqlite')})
    engine.close()
    expect((await cli(lakeDir, 'backup', file)).code).toBe(0)
    expect((await cli(target, 'restore', file)).out).toContain('already has data')
    expect((await cli(target, 'restore', file, '--replace')).code).toBe(0)
    const bogus = path.join(target, 'bogus.tar.gz')
    fs.writeFileSync(bogus, 'not a backup')
    expect((await cli(tempDir('lake-empty-'), 'restore', bogus)).code).not.toBe(0)
  })
})
