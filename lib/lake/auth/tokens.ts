/**
 * Token helpers for code outside the running server (launcher, CLI, tests).
 *
 * `ensureToken` exists because the local Next.js site needs a stable token across restarts and the
 * lake stores only hashes. The plaintext therefore lives in one place only: `<dataDir>/<label>-token`
 * (e.g. `.lake/site-token`), mode 0600, inside the gitignored data dir, readable by the launcher that
 * hands it to Next.js as SANITY_API_READ_TOKEN / SANITY_API_WRITE_TOKEN. Deleting the file (or
 * revoking the token) makes the next call mint a new one.
 */
import fs from 'node:fs'
import path from 'node:path'
import {AuthStore} from './store'
import type {LakeRole} from './types'

export function createToken(dataDir: string, options: {role: LakeRole; label: string}): string {
  const store = new AuthStore(dataDir)
  try {
    return store.createApiToken(options).token
  } finally {
    store.close()
  }
}

export function tokenFilePath(dataDir: string, label: string): string {
  const slug = label.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'token'
  return path.join(dataDir, `${slug}-token`)
}

export function ensureToken(dataDir: string, label: string, role: LakeRole): string {
  const file = tokenFilePath(dataDir, label)
  const store = new AuthStore(dataDir)
  try {
    const existing = readIfExists(file)
    if (existing) {
      const user = store.authenticate(existing)
      if (user && user.role === role) return existing
    }
    const {token} = store.createApiToken({role, label})
    writePrivateFile(file, token + '\n')
    return token
  } finally {
    store.close()
  }
}

function readIfExists(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8').trim() || null
  } catch {
    return null
  }
}

/** Writes a file only its owner can read (0600), also when it already existed with looser rights. */
export function writePrivateFile(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), {recursive: true})
  fs.writeFileSync(file, content, {mode: 0o600})
  fs.chmodSync(file, 0o600)
}
