/**
 * Online backup and restore of a lake's data dir.
 *
 * A backup is one `.tar.gz` holding:
 * - `lake.sqlite` and `auth.sqlite`, each copied with SQLite's online backup API (better-sqlite3's
 *   `db.backup()`): a consistent snapshot taken while the lake keeps serving and writing (WAL lets
 *   the copy read while writers commit; the copy is one step, one read transaction), never a file
 *   copy that could catch a half-written page;
 * - `assets/originals/…`: asset files are content-addressed and written before the document that
 *   names them commits, so every file the snapshot refers to is already there (later ones are
 *   harmless extras).
 * Certificates, webhook secrets and token files are not included: a restored lake makes new ones.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {pipeline} from 'node:stream/promises'
import zlib from 'node:zlib'
import Database from 'better-sqlite3'
import tar from 'tar-stream'
import {originalsDir} from './assets/store'
import {findRunningLake} from './running'

const DATABASES = ['lake.sqlite', 'auth.sqlite'] as const
/** sqlite3_backup_step's page count meaning "the rest" (better-sqlite3 caps it at 2^31 − 1). */
const ALL_PAGES = 0x7fffffff
const ASSETS = 'assets/originals'

export interface BackupResult {
  databases: string[]
  assetFiles: number
  bytes: number
}

export async function backupDataDir(dataDir: string, file: string): Promise<BackupResult> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lake-backup-'))
  try {
    const databases: string[] = []
    for (const name of DATABASES) {
      const source = path.join(dataDir, name)
      if (!fs.existsSync(source)) continue
      // A normal connection (not readonly): a readonly one cannot open a WAL database whose -shm is missing.
      const db = new Database(source, {fileMustExist: true})
      try {
        // All pages in one step, that is one read transaction: copied a hundred pages at a time (the
        // default), the copy starts over whenever the lake commits in between, and under steady
        // writes it never finished.
        await db.backup(path.join(tmp, name), {progress: () => ALL_PAGES})
      } finally {
        db.close()
      }
      databases.push(name)
    }
    if (!databases.includes('lake.sqlite')) throw new Error(`${dataDir} has no lake.sqlite: nothing to back up`)

    const pack = tar.pack()
    const partial = `${file}.partial`
    const writing = pipeline(pack, zlib.createGzip(), fs.createWriteStream(partial, {mode: 0o600}))
    let assetFiles = 0
    try {
      for (const name of databases) await addFile(pack, name, path.join(tmp, name))
      for (const relative of listFiles(originalsDir(dataDir))) {
        await addFile(pack, `${ASSETS}/${relative}`, path.join(originalsDir(dataDir), relative))
        assetFiles++
      }
      pack.finalize()
      await writing
    } catch (error) {
      pack.destroy(error as Error)
      await writing.catch(() => {})
      fs.rmSync(partial, {force: true})
      throw error
    }
    // Only a complete backup gets the name asked for.
    fs.renameSync(partial, file)
    return {databases, assetFiles, bytes: fs.statSync(file).size}
  } finally {
    fs.rmSync(tmp, {recursive: true, force: true})
  }
}

function addFile(pack: tar.Pack, name: string, file: string): Promise<void> {
  const data = fs.readFileSync(file)
  return new Promise((resolve, reject) => pack.entry({name, mode: 0o600}, data, (error) => (error ? reject(error) : resolve())))
}

/** Asset originals, as paths relative to the originals dir (`ab/abcdef…`); skips temporary files. */
function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return []
  return (fs.readdirSync(dir, {recursive: true, withFileTypes: true}) as fs.Dirent[])
    .filter((entry) => entry.isFile() && /^[a-f0-9]{40}$/.test(entry.name))
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort()
}

export class RestoreRefused extends Error {}

/**
 * Restores a backup into `dataDir`. Refuses while a lake serves it, and refuses to mix a backup
 * into existing data unless `replace` is set (then the databases and assets are replaced).
 */
export async function restoreDataDir(dataDir: string, file: string, options: {replace?: boolean} = {}): Promise<{databases: string[]; assetFiles: number}> {
  if (await findRunningLake(dataDir)) throw new RestoreRefused(`A lake is serving ${dataDir}: stop it before restoring`)
  const existing = DATABASES.filter((name) => fs.existsSync(path.join(dataDir, name)))
  if (existing.length > 0 && !options.replace) throw new RestoreRefused(`${dataDir} already has data (${existing.join(', ')}); restore into an empty data dir, or pass --replace`)

  // Unpack next to the target, then move into place: a failed restore leaves the data dir as it was.
  fs.mkdirSync(dataDir, {recursive: true, mode: 0o700})
  const staging = fs.mkdtempSync(path.join(dataDir, '.restore-'))
  try {
    const databases: string[] = []
    let assetFiles = 0
    const extract = tar.extract()
    const reading = (async () => {
      for await (const entry of extract) {
        const name = path.posix.normalize(entry.header.name)
        const allowed = (DATABASES as readonly string[]).includes(name) || new RegExp(`^${ASSETS}/[a-f0-9]{2}/[a-f0-9]{40}$`).test(name)
        if (entry.header.type !== 'file' || !allowed) {
          entry.resume()
          continue
        }
        const target = path.join(staging, ...name.split('/'))
        fs.mkdirSync(path.dirname(target), {recursive: true})
        await pipeline(entry, fs.createWriteStream(target, {mode: 0o600}))
        if (name.startsWith(ASSETS)) assetFiles++
        else databases.push(name)
      }
    })()
    await Promise.all([pipeline(fs.createReadStream(file), zlib.createGunzip(), extract), reading])
    if (!databases.includes('lake.sqlite')) throw new RestoreRefused(`${file} is not a lake backup: it has no lake.sqlite`)

    for (const name of DATABASES) {
      for (const suffix of ['', '-wal', '-shm']) fs.rmSync(path.join(dataDir, name + suffix), {force: true})
      if (databases.includes(name)) fs.renameSync(path.join(staging, name), path.join(dataDir, name))
    }
    const assets = path.join(staging, ASSETS)
    if (fs.existsSync(assets)) {
      fs.rmSync(originalsDir(dataDir), {recursive: true, force: true})
      fs.mkdirSync(path.dirname(originalsDir(dataDir)), {recursive: true})
      fs.renameSync(assets, originalsDir(dataDir))
    }
    return {databases, assetFiles}
  } finally {
    fs.rmSync(staging, {recursive: true, force: true})
  }
}
