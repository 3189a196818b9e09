/**
 * The e2e lake as the tests' editor sees it: `@sanity/client` on the lake's plain-HTTP API with the
 * editor token tests/e2e/global-setup.ts minted. One definition, so every spec talks to the lake
 * with the same settings (and a spec that needs raw ids asks for the `raw` perspective by name).
 */
import {createClient, type ClientPerspective, type SanityClient} from '@sanity/client'

/** The lake's HTTP API (global-setup sets E2E_LAKE_HTTP_URL; the lake serves HTTP one port above HTTPS). */
export function lakeHttpUrl(): string {
  return process.env.E2E_LAKE_HTTP_URL || `http://127.0.0.1:${Number(process.env.E2E_LAKE_PORT || 4544) + 1}`
}

export function lakeToken(): string {
  const token = process.env.E2E_LAKE_TOKEN
  if (!token) throw new Error('E2E_LAKE_TOKEN is not set (tests/e2e/global-setup.ts sets it)')
  return token
}

export function lakeClient(options: {perspective?: ClientPerspective} = {}): SanityClient {
  return createClient({
    projectId: 'dispatch',
    dataset: 'production',
    apiHost: lakeHttpUrl(),
    useProjectHostname: false,
    apiVersion: '2025-02-19',
    useCdn: false,
    token: lakeToken(),
    ...options,
  })
}
