import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

/**
 * The secret that signs the lake's webhooks, kept in the data dir (`webhook-secret`, readable only
 * by its owner) so webhooks signed before a restart still verify after it. The launcher and
 * `npm run lake -- serve --site …` share it; sites get it as SANITY_REVALIDATE_SECRET.
 */
export function ensureWebhookSecret(dataDir: string): string {
  const file = path.join(dataDir, 'webhook-secret')
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim()
  fs.mkdirSync(dataDir, {recursive: true})
  const secret = crypto.randomBytes(24).toString('hex')
  fs.writeFileSync(file, secret + '\n', {mode: 0o600})
  return secret
}
