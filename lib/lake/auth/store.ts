/**
 * Durable auth state: API tokens, login sessions, local accounts and per-user key-value settings.
 *
 * Stored in `<dataDir>/auth.sqlite`, a file of its own rather than a table in the engine's database:
 * the engine owns its file's schema, migrations and write transactions, secrets stay out of content
 * exports and backups, and the CLI can manage tokens while a lake is running without contending for
 * the content database's write lock. Tables carry the `auth_` prefix anyway, so merging is trivial.
 *
 * Secrets are never stored: tokens as sha256 hashes (they are 256-bit random, so a fast hash is
 * enough), passwords as scrypt hashes.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import {openCheckedDatabase} from '../engine/integrity'
import {hashPassword, verifyPassword} from './passwords'
import {LAKE_ROLES, type LakeRole, type LakeUser} from './types'

export interface TokenInfo {
  id: string
  label: string
  role: LakeRole
  kind: 'api' | 'session'
  userId: string | null
  createdAt: string
  expiresAt: string | null
  lastUsedAt: string | null
}

export interface AccountInfo {
  id: string
  email: string
  name: string
  role: LakeRole
  createdAt: string
}

interface TokenRow {
  id: string
  label: string
  role: LakeRole
  kind: 'api' | 'session'
  user_id: string | null
  created_at: string
  expires_at: string | null
  last_used_at: string | null
  revoked_at: string | null
}

interface UserRow {
  id: string
  email: string
  name: string
  role: LakeRole
  password_hash: string
  created_at: string
}

const EMAIL_PATTERN = /^[^\s@]{1,64}@[^\s@]{1,255}$/

export const hashToken = (token: string) => crypto.createHash('sha256').update(token).digest('hex')

/** Sanity-style token: `sk` + 64 url-safe characters. */
const newTokenSecret = () => 'sk' + crypto.randomBytes(48).toString('base64url')
const newId = (bytes = 6) => crypto.randomBytes(bytes).toString('hex')

export function isLakeRole(value: unknown): value is LakeRole {
  return typeof value === 'string' && (LAKE_ROLES as readonly string[]).includes(value)
}

export class AuthStore {
  private readonly db: Database.Database

  constructor(dataDir: string) {
    fs.mkdirSync(dataDir, {recursive: true})
    this.db = openCheckedDatabase(path.join(dataDir, 'auth.sqlite'))
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('busy_timeout = 5000')
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS auth_tokens (
        id TEXT PRIMARY KEY,
        hash TEXT NOT NULL UNIQUE,
        label TEXT NOT NULL,
        role TEXT NOT NULL,
        kind TEXT NOT NULL,
        user_id TEXT,
        created_at TEXT NOT NULL,
        expires_at TEXT,
        last_used_at TEXT,
        revoked_at TEXT
      );
      CREATE TABLE IF NOT EXISTS auth_users (
        id TEXT PRIMARY KEY,
        email TEXT NOT NULL UNIQUE COLLATE NOCASE,
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS auth_keyvalue (
        user_id TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (user_id, key)
      );
    `)
  }

  close(): void {
    this.db.close()
  }

  // ---- tokens ----

  /** Creates an API token; the plaintext is returned once and never stored. */
  createApiToken(options: {role: LakeRole; label: string}): {id: string; token: string} {
    if (!isLakeRole(options.role)) throw new Error(`Unknown role "${String(options.role)}" (administrator, editor or viewer)`)
    const label = options.label.trim()
    if (!label || label.length > 200) throw new Error('A token needs a label of 1 to 200 characters')
    return this.insertToken({kind: 'api', role: options.role, label, userId: null, expiresAt: null})
  }

  createSession(user: AccountInfo, ttlMs: number): {id: string; token: string} {
    const expiresAt = new Date(Date.now() + ttlMs).toISOString()
    return this.insertToken({kind: 'session', role: user.role, label: `session for ${user.email}`, userId: user.id, expiresAt})
  }

  private insertToken(t: {kind: 'api' | 'session'; role: LakeRole; label: string; userId: string | null; expiresAt: string | null}) {
    const id = newId()
    const token = newTokenSecret()
    this.db
      .prepare(
        'INSERT INTO auth_tokens (id, hash, label, role, kind, user_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(id, hashToken(token), t.label, t.role, t.kind, t.userId, new Date().toISOString(), t.expiresAt)
    return {id, token}
  }

  listTokens(kind: 'api' | 'session' = 'api'): TokenInfo[] {
    const rows = this.db
      .prepare('SELECT * FROM auth_tokens WHERE kind = ? AND revoked_at IS NULL ORDER BY created_at')
      .all(kind) as TokenRow[]
    return rows.filter((row) => !isExpired(row)).map(toTokenInfo)
  }

  /** Revokes a token by id; true when something was revoked. */
  revokeToken(id: string): boolean {
    const now = new Date().toISOString()
    return this.db.prepare('UPDATE auth_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now, id).changes > 0
  }

  revokeTokenBySecret(token: string): boolean {
    const now = new Date().toISOString()
    return (
      this.db.prepare('UPDATE auth_tokens SET revoked_at = ? WHERE hash = ? AND revoked_at IS NULL').run(now, hashToken(token))
        .changes > 0
    )
  }

  /** The user a bearer token stands for, or null when it is unknown, revoked or expired. */
  authenticate(token: string): LakeUser | null {
    if (!token || token.length > 512) return null
    const row = this.db.prepare('SELECT * FROM auth_tokens WHERE hash = ?').get(hashToken(token)) as TokenRow | undefined
    if (!row || row.revoked_at || isExpired(row)) return null
    this.touch(row)
    if (row.kind === 'session' && row.user_id) {
      const account = this.getUser(row.user_id)
      if (!account) return null
      return {id: account.id, name: account.name, email: account.email, role: account.role}
    }
    return {id: `robot-${row.id}`, name: row.label, email: '', role: row.role}
  }

  /** Records use at most once a minute: a write per request would serialize every read on the disk. */
  private touch(row: TokenRow) {
    const now = Date.now()
    if (row.last_used_at && now - Date.parse(row.last_used_at) < 60_000) return
    this.db.prepare('UPDATE auth_tokens SET last_used_at = ? WHERE id = ?').run(new Date(now).toISOString(), row.id)
  }

  // ---- local accounts ----

  async addUser(options: {email: string; name: string; role: LakeRole; password: string}): Promise<AccountInfo> {
    const email = options.email.trim().toLowerCase()
    const name = options.name.trim()
    if (!EMAIL_PATTERN.test(email)) throw new Error(`"${options.email}" is not an email address`)
    if (!name || name.length > 200) throw new Error('A user needs a name of 1 to 200 characters')
    if (!isLakeRole(options.role)) throw new Error(`Unknown role "${String(options.role)}"`)
    if (options.password.length < 10 || options.password.length > 1024)
      throw new Error('Passwords must be 10 to 1024 characters long')
    if (this.findUserByEmail(email)) throw new Error(`A user with email ${email} already exists`)
    const user: AccountInfo = {id: 'p' + newId(8), email, name, role: options.role, createdAt: new Date().toISOString()}
    const passwordHash = await hashPassword(options.password)
    this.db
      .prepare('INSERT INTO auth_users (id, email, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(user.id, user.email, user.name, user.role, passwordHash, user.createdAt)
    return user
  }

  countUsers(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM auth_users').get() as {n: number}).n
  }

  listUsers(): AccountInfo[] {
    return (this.db.prepare('SELECT * FROM auth_users ORDER BY created_at').all() as UserRow[]).map(toAccount)
  }

  getUser(id: string): AccountInfo | null {
    const row = this.db.prepare('SELECT * FROM auth_users WHERE id = ?').get(id) as UserRow | undefined
    return row ? toAccount(row) : null
  }

  findUserByEmail(email: string): AccountInfo | null {
    const row = this.db.prepare('SELECT * FROM auth_users WHERE email = ?').get(email.trim().toLowerCase()) as UserRow | undefined
    return row ? toAccount(row) : null
  }

  /** Checks a password. Always runs scrypt, even for unknown emails, so timing does not reveal accounts. */
  async verifyLogin(email: string, password: string): Promise<AccountInfo | null> {
    const row = this.db.prepare('SELECT * FROM auth_users WHERE email = ?').get(email.trim().toLowerCase()) as UserRow | undefined
    const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH)
    return row && ok ? toAccount(row) : null
  }

  // ---- per-user key-value store (Studio layout and announcement state) ----

  getValues(userId: string, keys: string[]): {key: string; value: unknown}[] {
    const select = this.db.prepare('SELECT value FROM auth_keyvalue WHERE user_id = ? AND key = ?')
    return keys.map((key) => {
      const row = select.get(userId, key) as {value: string} | undefined
      return {key, value: row ? (JSON.parse(row.value) as unknown) : null}
    })
  }

  setValues(userId: string, items: {key: string; value: unknown}[]): void {
    const upsert = this.db.prepare(
      'INSERT INTO auth_keyvalue (user_id, key, value, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (user_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
    )
    const now = new Date().toISOString()
    this.db.transaction(() => {
      for (const item of items) upsert.run(userId, item.key, JSON.stringify(item.value ?? null), now)
    })()
  }
}

// A valid hash of a random password, used to spend the same time on unknown emails.
const DUMMY_HASH =
  'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$1G2yUJ5Mw7m1nQ8Yk0u3kQ1G2yUJ5Mw7m1nQ8Yk0u3k='

function isExpired(row: TokenRow): boolean {
  return row.expires_at !== null && Date.parse(row.expires_at) <= Date.now()
}

function toTokenInfo(row: TokenRow): TokenInfo {
  return {
    id: row.id,
    label: row.label,
    role: row.role,
    kind: row.kind,
    userId: row.user_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
  }
}

function toAccount(row: UserRow): AccountInfo {
  return {id: row.id, email: row.email, name: row.name, role: row.role, createdAt: row.created_at}
}
