import {ensureToken} from '@/lib/lake/server'

/**
 * Playwright starts the web server (scripts/test-server.ts) before this runs. The tests talk to
 * the lake with the same token the site uses; it lives hashed in the lake and in plaintext only
 * in the throwaway e2e data dir.
 */
export default function globalSetup() {
  const dataDir = process.env.E2E_LAKE_DATA_DIR
  if (!dataDir) throw new Error('E2E_LAKE_DATA_DIR is not set (playwright.config.ts sets it)')
  process.env.E2E_LAKE_TOKEN ||= ensureToken(dataDir, 'site', 'editor')
  process.env.E2E_LAKE_HTTP_URL ||= `http://127.0.0.1:${Number(process.env.E2E_LAKE_PORT) + 1}`
}
