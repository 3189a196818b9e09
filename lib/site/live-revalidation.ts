import {encodeSignatureHeader} from '@sanity/webhook'
import {revalidateSecret} from '@/lib/env'
import {client} from '@/sanity/lib/client'

/**
 * The site's cache follows Sanity's sync tags. Every reader fetch is cached under the sync tags of
 * its result (`sanity:s1:…`, sanity/lib/fetch.ts); this subscriber listens to the Live Content API
 * (`client.live.events()`, the same stream next-sanity's `SanityLive` uses) and expires exactly the
 * tags each change names, so an edit of one post re-renders only the pages and feeds that show it.
 *
 * Why a server-side subscription rather than `<SanityLive>` in the page: it needs no JavaScript in
 * readers' browsers and no reader online to trigger it, and it is the same code on the lake and on
 * hosted Sanity (no webhook to configure). Why an HTTP call to our own `/api/revalidate`: Next.js
 * only lets request handlers expire tags, and this runs beside them (instrumentation.ts).
 *
 * `restart`, or a `welcome` after a reconnect (events may have been missed), expires all content.
 */
type State = {subscription?: {unsubscribe(): void}; retry?: ReturnType<typeof setTimeout>}
const holder = globalThis as typeof globalThis & {__dispatchLiveRevalidation?: State}
const RETRY_MS = 2_000

/** `eventId`: the live event's id — every instance hears the same event; it lets them act once (lib/cluster). */
export type RevalidationRequest = {syncTags: string[]; eventId?: string} | {all: true}

async function post(origin: string, payload: RevalidationRequest): Promise<void> {
  const body = JSON.stringify(payload)
  const signature = await encodeSignatureHeader(body, Date.now(), revalidateSecret)
  const response = await fetch(`${origin}/api/revalidate`, {
    method: 'POST',
    headers: {'content-type': 'application/json', 'sanity-webhook-signature': signature},
    body,
  })
  await response.arrayBuffer()
  if (!response.ok) throw new Error(`/api/revalidate answered ${response.status}`)
}

/** Starts the subscription once per process (dev reloads keep the first). */
export function followLiveEvents(origin: string): void {
  if (!revalidateSecret) return
  const state = (holder.__dispatchLiveRevalidation ??= {})
  if (state.subscription || state.retry) return
  let welcomed = false
  const send = (payload: RevalidationRequest) =>
    post(origin, payload).catch((error) => console.error('[site] live revalidation failed:', error instanceof Error ? error.message : error))
  const subscribe = () => {
    state.retry = undefined
    state.subscription = client.live.events({tag: 'site.revalidate'}).subscribe({
      next(event) {
        if (event.type === 'message') void send({syncTags: event.tags, eventId: event.id})
        else if (event.type === 'restart' || (event.type === 'welcome' && welcomed)) void send({all: true})
        if (event.type === 'welcome') welcomed = true
      },
      error(error) {
        console.error('[site] live events stream failed, retrying:', error instanceof Error ? error.message : error)
        state.subscription = undefined
        state.retry = setTimeout(subscribe, RETRY_MS)
        state.retry.unref?.()
      },
    })
  }
  subscribe()
}
