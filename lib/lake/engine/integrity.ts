/**
 * Opening a lake SQLite file safely: created readable by its owner only (0600, like the secrets
 * beside it; SQLite gives the -wal and -shm files the database file's mode), and checked with
 * SQLite's own `PRAGMA quick_check` before anything is served from or written to it. A damaged
 * file makes the lake refuse to start with what to do, instead of answering with part of the data
 * and writing more into the damage. Used by the document store and the auth store.
 */
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'

export class DamagedDatabaseError extends Error {
  constructor(
    readonly file: string,
    readonly findings: string[],
  ) {
    const name = path.basename(file)
    super(
      [
        `The lake refuses to start: ${file} is damaged (SQLite quick_check: ${findings.slice(0, 5).join('; ')}${findings.length > 5 ? '; …' : ''}).`,
        `Nothing was read from or written to it. To recover, stop everything that uses ${path.dirname(file)}, then either`,
        `  - restore your last backup: \`npm run lake -- restore <backup.tar.gz> --replace\` (made by \`npm run lake -- backup\`), or`,
        name === 'auth.sqlite'
          ? `  - move ${name} away: the next start creates a new first account; re-create tokens with \`npm run lake -- token create\`.`
          : `  - move ${name} (and its -wal/-shm) away and load an export: \`npm run lake -- import backup.ndjson --replace\`.`,
        `Keep the damaged file: \`sqlite3 ${name} .recover\` may rescue what it still holds.`,
      ].join('\n'),
    )
    this.name = 'DamagedDatabaseError'
  }
}

/** Opens `file` (created 0600 if new), or throws DamagedDatabaseError when it fails quick_check. */
export function openCheckedDatabase(file: string): Database.Database {
  if (file !== ':memory:') ownerOnly(file)
  let db: Database.Database | null = null
  try {
    db = new Database(file)
    const rows = db.pragma('quick_check') as {quick_check: string}[]
    const findings = rows.map((row) => row.quick_check).filter((finding) => finding !== 'ok')
    if (findings.length > 0) throw new DamagedDatabaseError(file, findings)
    return db
  } catch (error) {
    db?.close()
    if (error instanceof DamagedDatabaseError) throw error
    // SQLITE_NOTADB / SQLITE_CORRUPT while opening or checking: the same refusal.
    const code = (error as {code?: string}).code ?? ''
    if (/^SQLITE_(NOTADB|CORRUPT)/.test(code)) throw new DamagedDatabaseError(file, [(error as Error).message])
    throw error
  }
}

/** Creates the file empty with mode 0600 (SQLite accepts an empty file as a new database), or tightens an existing one. */
function ownerOnly(file: string): void {
  fs.mkdirSync(path.dirname(file), {recursive: true})
  try {
    fs.writeFileSync(file, '', {flag: 'wx', mode: 0o600})
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  }
  for (const companion of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      if ((fs.statSync(companion).mode & 0o077) !== 0) fs.chmodSync(companion, 0o600)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
  }
}
