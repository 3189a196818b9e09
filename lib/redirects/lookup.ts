/**
 * Old addresses → new ones (documents of type `redirect`, written by the WordPress importer or by
 * editors), answered by `proxy.ts` with a 301. Kept as an in-memory table so an ordinary request
 * pays one Map lookup: the table loads once, then refreshes in the background at most every
 * REFRESH_MS (the request that notices it is stale does not wait). A failed refresh keeps the old
 * table; no table yet and the lake unreachable means "no redirect", never an error page.
 */
import {client} from '@/sanity/lib/client'
import {redirectsQuery} from '@/sanity/lib/queries'
import {normalizeRedirectPath} from './path'

const REFRESH_MS = 30_000

let table: Map<string, string> | null = null
let loadedAt = 0
let loading: Promise<void> | null = null

async function load(): Promise<void> {
  try {
    const rows = await client.fetch<{from: string[] | string | null; to: string | null}[]>(redirectsQuery, {}, {cache: 'no-store'})
    const next = new Map<string, string>()
    for (const row of rows) {
      if (!row.to || !row.to.startsWith('/') || row.to.startsWith('//')) continue
      for (const path of Array.isArray(row.from) ? row.from : row.from ? [row.from] : []) {
        const query = path.indexOf('?')
        const from = typeof path === 'string' ? normalizeRedirectPath(query < 0 ? path : path.slice(0, query), query < 0 ? '' : path.slice(query)) : null
        if (from && !next.has(from)) next.set(from, row.to)
      }
    }
    table = next
  } catch (error) {
    console.error('[redirects] could not load the redirect table:', error instanceof Error ? error.message : error)
  } finally {
    loadedAt = Date.now()
    loading = null
  }
}

/** The new path for an old one, or null. Waits for the table only on the very first call. */
export async function findRedirect(pathname: string, search: string): Promise<string | null> {
  if (!table) {
    loading ??= load()
    await loading
  } else if (Date.now() - loadedAt > REFRESH_MS && !loading) {
    loading = load()
  }
  if (!table || table.size === 0) return null
  const key = normalizeRedirectPath(pathname, search)
  return key ? (table.get(key) ?? null) : null
}

/** Tests: forget the table. */
export function resetRedirects(): void {
  table = null
  loadedAt = 0
}
