import 'server-only'
import {siteUrl} from '@/lib/env'
import {PINGBACKS_SAFETY_NET_SECONDS, PINGBACKS_TAG, pingbacksTag} from '@/lib/mentions/freshness'
import {mentionsClient} from '@/lib/mentions/store'
import {pingbacksForPostQuery} from '@/sanity/lib/queries'
import {noteCacheTags} from '@/lib/response-cache/request-tags'

/**
 * Approved pingbacks/webmentions under a post, WordPress style:
 * "Pingback: <a href=source>Source Title | Source Site</a>". Hidden when there are none.
 *
 * Also advertises the receivers in the page head (`<link rel="pingback">`, `<link rel="webmention">`;
 * React hoists `<link>` elements into <head>). The HTTP headers (X-Pingback, Link) come from proxy.ts.
 *
 * Freshness: pingback ids are private, so this reads with the server's token client, through Next's
 * Data Cache under the tags `pingbacks` and `pingbacks:<postId>`. The lake sends no webhook for
 * private documents, so whoever writes a pingback expires the tag (see lib/mentions/freshness.ts):
 * the receivers, the publisher, and the Studio's moderation actions via
 * /api/webhooks/mentions/moderated; `revalidate` bounds staleness if all else failed.
 *
 * Titles and URLs come from strangers' pages: they are stored as text, React escapes them, and only
 * http(s) links are rendered (rel="nofollow ugc": we vouch for nothing).
 */
type Mention = {
  _id: string
  kind: string | null
  sourceUrl: string | null
  sourceTitle: string | null
  sourceSite: string | null
}

function isHttpUrl(value: string | null): value is string {
  if (!value) return false
  try {
    const url = new URL(value)
    return url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    return false
  }
}

const LABELS: Record<string, string> = {pingback: 'Pingback', internal: 'Pingback', webmention: 'Webmention'}

async function approvedMentions(postId: string): Promise<Mention[]> {
  const tags = [PINGBACKS_TAG, pingbacksTag(postId)]
  noteCacheTags(tags)
  try {
    const mentions = await mentionsClient()
      .withConfig({perspective: 'published'})
      .fetch<Mention[] | null>(
        pingbacksForPostQuery,
        {postId},
        {cache: 'force-cache', next: {tags, revalidate: PINGBACKS_SAFETY_NET_SECONDS}},
      )
    return (mentions ?? []).filter((m) => isHttpUrl(m.sourceUrl))
  } catch (error) {
    // The post must still render if the content store hiccups; the section is simply left out.
    console.error('[mentions] could not load pingbacks for', postId, error instanceof Error ? error.message : error)
    return []
  }
}

export async function PingbackSection({postId}: {postId: string}) {
  const mentions = await approvedMentions(postId)
  const discovery = (
    <>
      <link rel="pingback" href={`${siteUrl}/xmlrpc`} />
      <link rel="webmention" href={`${siteUrl}/webmention`} />
    </>
  )
  if (mentions.length === 0) return discovery

  return (
    <>
      {discovery}
      <section aria-labelledby="pingbacks-heading" className="pingbacks" data-testid="pingbacks">
        <h2 id="pingbacks-heading" className="text-xl font-semibold">
          Pingbacks
        </h2>
        <ol className="mt-3 list-none space-y-2 p-0">
          {mentions.map((m) => {
            const title = m.sourceTitle?.trim() || m.sourceUrl
            const label = m.sourceSite?.trim() ? `${title} | ${m.sourceSite.trim()}` : title
            return (
              <li key={m._id} data-kind={m.kind ?? undefined}>
                {LABELS[m.kind ?? ''] ?? 'Pingback'}:{' '}
                <a className="link" href={m.sourceUrl!} rel={m.kind === 'internal' ? undefined : 'nofollow ugc noopener noreferrer'}>
                  {label}
                </a>
              </li>
            )
          })}
        </ol>
      </section>
    </>
  )
}
