'use client'
import {useRouter} from 'next/navigation'
import {startTransition, useEffect} from 'react'

/** Where the draft event stream is relayed (app/api/draft-mode/live/route.ts). */
export const DRAFT_EVENTS_PATH = '/api/draft-mode/live'

/**
 * Draft mode only: re-renders the page as soon as the lake reports a saved change, drafts
 * included, like `<SanityLive includeDrafts>` in Sanity's Next.js template — but through the site's
 * own relay, so the browser holds no token. The Presentation tool also asks for a refresh after
 * its own (debounced) look at the document; this one does not wait for it, and works outside the
 * Studio too. The EventSource reconnects by itself (resuming with Last-Event-ID); a `restart`
 * (the stream lost track) refreshes as well. So does the first `welcome`: an edit saved between
 * the server's render and the subscription would otherwise wait for the next one.
 */
export function DraftLiveRefresh() {
  const router = useRouter()
  useEffect(() => {
    const events = new EventSource(DRAFT_EVENTS_PATH)
    let queued = false
    const refresh = () => {
      // One refresh for a burst of events (a publish is a few commits in a row).
      if (queued) return
      queued = true
      setTimeout(() => {
        queued = false
        startTransition(() => router.refresh())
      }, 30)
    }
    let subscribed = false
    events.addEventListener('welcome', () => {
      if (subscribed) return
      subscribed = true
      refresh()
    })
    events.addEventListener('message', refresh)
    events.addEventListener('restart', refresh)
    return () => events.close()
  }, [router])
  return null
}
