import {createClient, type SanityClient} from '@sanity/client'
import {apiVersion, dataset, isHosted, projectId, readToken, serverApiHost, writeToken} from '@/lib/env'

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

/** Draft-aware client for draft mode and previews. Server-only: carries the read token. */
export function previewClient(): SanityClient {
  return createClient({
    ...baseConfig(),
    useCdn: false,
    perspective: 'drafts',
    token: readToken,
    stega: false,
  })
}

/** Writes (pingbacks, contact messages, scheduled publishing). Server-only: carries the write token. */
export function writeClient(): SanityClient {
  return createClient({...baseConfig(), useCdn: false, perspective: 'raw', token: writeToken})
}
