import {draftMode} from 'next/headers'
import {dataset, readToken} from '@/lib/env'
import {previewClient} from '@/sanity/lib/client'

/**
 * The Live Content API's event stream with drafts included, for draft mode only: the draft preview
 * (components/site/DraftLiveRefresh.tsx) refreshes itself from it the moment an edit is saved, in
 * the Presentation tool or on its own.
 *
 * Sanity's Next.js template does this with `<SanityLive>` and a Viewer `browserToken` handed to the
 * browser in draft mode. Here the site relays the stream instead, with the server's read token, so
 * no token ever reaches a browser; the draft-mode cookie (signed by Next, set only after
 * /api/draft-mode/enable checked a preview secret) is what lets a browser in. Everyone else: 401.
 * `Last-Event-ID` is passed on, so a reconnecting EventSource receives what it missed.
 */
export const dynamic = 'force-dynamic'

const MAX_EVENT_ID_LENGTH = 100

function plain(status: number, message: string) {
  return new Response(message + '\n', {status, headers: {'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store'}})
}

export async function GET(request: Request) {
  if (!(await draftMode()).isEnabled) return plain(401, 'Draft mode is off: the draft event stream is for editors previewing drafts.')
  if (!readToken) return plain(503, 'No read token is configured (SANITY_API_READ_TOKEN), so drafts cannot be followed.')

  const url = new URL(previewClient().getUrl(`/data/live/events/${dataset}`, false))
  url.searchParams.set('includeDrafts', 'true')
  url.searchParams.set('tag', 'dispatch.draft-preview')
  const headers: Record<string, string> = {accept: 'text/event-stream', authorization: `Bearer ${readToken}`}
  const lastEventId = request.headers.get('last-event-id')
  if (lastEventId && lastEventId.length <= MAX_EVENT_ID_LENGTH) headers['last-event-id'] = lastEventId

  let upstream: Response
  try {
    upstream = await fetch(url, {headers, signal: request.signal, cache: 'no-store'})
  } catch {
    return plain(502, 'The content API did not answer.')
  }
  if (!upstream.ok || !upstream.body) {
    await upstream.body?.cancel().catch(() => {})
    return plain(502, `The content API answered ${upstream.status}.`)
  }
  return new Response(upstream.body, {
    headers: {'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store, no-transform', 'x-accel-buffering': 'no'},
  })
}
