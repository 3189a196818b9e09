import 'server-only'
import {writeClient} from '@/sanity/lib/client'
import {pingbacksForPostQuery} from '@/sanity/lib/queries'

/**
 * Approved pingbacks/webmentions under a post, WordPress style:
 * "Pingback: <a href=source>Source Title | Source Site</a>".
 *
 * Pingback documents have private (dotted) ids, so the tokenless reader client cannot see them;
 * this reads them with the server-side token client (published perspective: no drafts). Titles
 * and URLs come from strangers' pages: React escapes the text, and only http(s) links are rendered.
 * First version by the site engineer; the mentions engineer owns and extends it.
 */
type Pingback = {
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

export async function PingbackSection({postId}: {postId: string}) {
  const pingbacks = await writeClient()
    .withConfig({perspective: 'published'})
    .fetch<Pingback[]>(pingbacksForPostQuery, {postId}, {cache: 'no-store'})
  const shown = (pingbacks ?? []).filter((p) => isHttpUrl(p.sourceUrl))
  if (shown.length === 0) return null

  return (
    <section aria-labelledby="pingbacks-heading" className="pingbacks">
      <h2 id="pingbacks-heading">Pingbacks</h2>
      <ol>
        {shown.map((p) => {
          const title = p.sourceTitle?.trim() || p.sourceUrl
          const label = p.sourceSite?.trim() ? `${title} | ${p.sourceSite.trim()}` : title
          return (
            <li key={p._id}>
              {p.kind === 'webmention' ? 'Mention' : 'Pingback'}:{' '}
              <a href={p.sourceUrl!} rel="nofollow ugc noopener noreferrer">
                {label}
              </a>
            </li>
          )
        })}
      </ol>
    </section>
  )
}
