import 'server-only'
import {siteUrl} from '@/lib/env'
import {PINGBACKS_SAFETY_NET_SECONDS, PINGBACKS_TAG, pingbacksTag} from '@/lib/mentions/freshness'
import {mentionsClient} from '@/lib/mentions/store'
import {pingbacksForPostQuery} from '@/sanity/lib/queries'
import {noteCacheTags} from '@/lib/response-cache/request-tags'
import {formatDate} from '@/lib/site/dates'

/**
 * Approved pingbacks/webmentions of a post, right after its text: each entry is the source's
 * title as a link, then its site and the date it arrived in a quieter line. The heading says what
 * kind of mentions these are ("Pingbacks", "Webmentions", or "Mentions" with a per-entry kind
 * when mixed), so entries do not repeat it. Nothing at all is rendered when there are none.
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
  receivedAt: string | null
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

const KIND_NAMES: Record<string, {one: string; many: string}> = {
  pingback: {one: 'Pingback', many: 'Pingbacks'},
  internal: {one: 'Pingback', many: 'Pingbacks'},
  webmention: {one: 'Webmention', many: 'Webmentions'},
}
const kindOf = (m: Mention) => KIND_NAMES[m.kind ?? ''] ?? KIND_NAMES.pingback

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

export async function PingbackSection({postId, locale}: {postId: string; locale: string}) {
  const mentions = await approvedMentions(postId)
  const discovery = (
    <>
      <link rel="pingback" href={`${siteUrl}/xmlrpc`} />
      <link rel="webmention" href={`${siteUrl}/webmention`} />
    </>
  )
  if (mentions.length === 0) return discovery

  const kinds = new Set(mentions.map((m) => kindOf(m).one))
  const mixed = kinds.size > 1
  const heading = mixed ? 'Mentions' : kindOf(mentions[0]).many

  return (
    <>
      {discovery}
      <section aria-labelledby="pingbacks-heading" className="pingbacks mt-10 border-t border-zinc-200 pt-6 dark:border-zinc-800" data-testid="pingbacks">
        <h2 id="pingbacks-heading" className="font-serif text-xl font-bold">
          {heading}
        </h2>
        <ol className="mt-3 list-none space-y-3 p-0">
          {mentions.map((m) => {
            const title = m.sourceTitle?.trim() || m.sourceUrl
            const details = [mixed ? kindOf(m).one : null, m.sourceSite?.trim() || null].filter(Boolean).join(' · ')
            return (
              <li key={m._id} data-kind={m.kind ?? undefined}>
                <a className="link" href={m.sourceUrl!} rel={m.kind === 'internal' ? undefined : 'nofollow ugc noopener noreferrer'}>
                  {title}
                </a>
                <span className="eyebrow block">
                  {details}
                  {details && m.receivedAt ? ' · ' : null}
                  {m.receivedAt ? <time dateTime={m.receivedAt}>{formatDate(m.receivedAt, locale)}</time> : null}
                </span>
              </li>
            )
          })}
        </ol>
      </section>
    </>
  )
}
