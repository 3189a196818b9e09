import {createClient, type SanityClient} from '@sanity/client'
import {apiVersion, dataset, isHosted, projectId, readToken, serverApiHost, studioPath, writeToken} from '@/lib/env'

/**
 * The one way server code reaches content. Local lake or hosted Sanity is a matter of options:
 * the local lake is addressed by `apiHost` on loopback without project sub-domains.
 */
function baseConfig() {
  return {
    projectId,
    dataset,
    apiVersion,
    ...(isHosted ? {} : {apiHost: serverApiHost, useProjectHostname: false}),
  }
}

/** Published content for readers. Uses Sanity's CDN when hosted; never sends a token. */
export const client: SanityClient = createClient({
  ...baseConfig(),
  useCdn: isHosted,
  perspective: 'published',
  token: undefined,
})

/**
 * Draft-aware client for draft mode and previews. Server-only: carries the read token. With
 * `stega`, strings in results carry invisible edit links (from the query's Content Source Map), so
 * the Presentation tool's overlays find every field a page shows, as in Sanity's official
 * templates; only page rendering asks for it (never code that compares or stores strings).
 */
export function previewClient(options: {stega?: boolean} = {}): SanityClient {
  return createClient({
    ...baseConfig(),
    useCdn: false,
    perspective: 'drafts',
    token: readToken,
    stega: options.stega ? {enabled: true, studioUrl: studioPath} : false,
  })
}

/** Writes (pingbacks, contact messages, scheduled publishing). Server-only: carries the write token. */
export function writeClient(): SanityClient {
  return createClient({...baseConfig(), useCdn: false, perspective: 'raw', token: writeToken})
}
