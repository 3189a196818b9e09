import {encodeSignatureHeader} from '@sanity/webhook'
import {claimOnce, clusterRedis} from '@/lib/cluster'
import {revalidateSecret} from '@/lib/env'
import {client} from '@/sanity/lib/client'
import {duePostsQuery, nextScheduledPostQuery} from '@/sanity/lib/queries'

/**
 * Scheduled publishing. A post with a future `publishedAt` is already published in the lake (or
 * Sanity) but hidden from readers until that moment, and no content change happens when the moment
 * comes — so no webhook either. This watcher sets a timer for the exact moment of the next
 * scheduled post and then calls `publishDuePosts`, which sends the site the webhooks a publish
 * would have sent (revalidation, and the posts' outgoing pingbacks/Webmentions).
 *
 * The timer follows changes at once: /api/revalidate calls `scheduledPostsChanged()` for every
 * post change (scheduling, rescheduling, unpublishing), which re-reads the next moment. A re-check
 * every few minutes is only a safety net (e.g. a webhook that never arrived).
 */
const RECHECK_MS = 5 * 60_000
/** Fire this long after the moment, so the backend's `now()` has certainly passed it too. */
const MOMENT_SLACK_MS = 100
/** At start, announce posts that came due while no server ran (Next's file cache survived). */
const STARTUP_LOOKBACK_MS = 5 * 60_000
const WEBHOOK_PATHS = ['/api/revalidate', '/api/webhooks/mentions']

export interface ScheduledPost {
  _id: string
  slug: string
  publishedAt: string
}

type State = {
  origin: string
  timer?: ReturnType<typeof setTimeout>
  /** Upper end of the last announced window: posts due after it have not been announced yet. */
  announcedUntil: number
  running: Promise<void> | null
  again: boolean
}
// On globalThis: Next loads instrumentation and route handlers as separate module instances.
const holder = globalThis as typeof globalThis & {__dispatchScheduledPosts?: State}

/** Sends the same signed payload the lake sends after a publish. */
export async function announcePublished(origin: string, post: Pick<ScheduledPost, '_id' | 'slug'>): Promise<void> {
  const body = JSON.stringify({
    _id: post._id,
    _type: 'post',
    operation: 'update',
    slug: post.slug,
    transactionId: `scheduled-${post._id}`,
    timestamp: new Date().toISOString(),
  })
  const signature = await encodeSignatureHeader(body, Date.now(), revalidateSecret)
  await Promise.all(
    WEBHOOK_PATHS.map((path) =>
      fetch(origin + path, {
        method: 'POST',
        headers: {'content-type': 'application/json', 'sanity-webhook-signature': signature},
        body,
      }).then((response) => response.arrayBuffer()),
    ),
  )
}

/**
 * Makes the posts scheduled in (since, until] visible: announces each to the site, which expires
 * the cache tags of home, feeds, archives and the post page. The one entry point for "scheduled
 * posts go live" (a cluster wraps it in a lock so one server announces each window).
 */
export async function publishDuePosts(origin: string, since: number, until: number): Promise<ScheduledPost[]> {
  const due = await client.fetch<ScheduledPost[]>(
    duePostsQuery,
    {since: new Date(since).toISOString(), until: new Date(until).toISOString()},
    {cache: 'no-store'},
  )
  await Promise.all(
    due.map(async (post) => {
      // Several instances (REDIS_URL) all watch; the first to claim this post's moment announces it.
      if (!(await claimOnce(clusterRedis(), `scheduled:${post._id}:${post.publishedAt}`, 24 * 3600_000))) return
      await announcePublished(origin, post)
      console.info(`[scheduling] announced ${post._id}, scheduled for ${post.publishedAt}`)
    }),
  )
  return due
}

/** Delay until the next check: the scheduled moment (plus a little), but never longer than RECHECK_MS. */
export function delayUntil(publishedAt: string | undefined, now = Date.now()): number {
  if (!publishedAt) return RECHECK_MS
  const due = Date.parse(publishedAt) - now + MOMENT_SLACK_MS
  return Math.max(0, Math.min(due, RECHECK_MS))
}

/** One pass: announce what came due since the last pass, then sleep until the next moment. */
async function check(state: State): Promise<void> {
  clearTimeout(state.timer)
  let next: Pick<ScheduledPost, 'publishedAt'> | null = null
  try {
    const until = Date.now()
    if (until > state.announcedUntil) {
      await publishDuePosts(state.origin, state.announcedUntil, until)
      state.announcedUntil = until
    }
    next = await client.fetch<ScheduledPost | null>(nextScheduledPostQuery, {}, {cache: 'no-store'})
  } catch {
    // The backend or the site is not up yet: try again soon.
    next = {publishedAt: new Date(Date.now() + 1_000).toISOString()}
  }
  state.timer = setTimeout(() => void run(state), delayUntil(next?.publishedAt))
  state.timer.unref?.()
}

/** Runs one check at a time; a request during a check runs another one right after it. */
function run(state: State): Promise<void> {
  if (state.running) {
    state.again = true
    return state.running
  }
  state.running = check(state).finally(() => {
    state.running = null
    if (state.again) {
      state.again = false
      void run(state)
    }
  })
  return state.running
}

/** Starts the watcher once per process (module reloads in dev keep the first one). */
export function watchScheduledPosts(origin: string): void {
  if (!revalidateSecret || holder.__dispatchScheduledPosts) return
  const state: State = {origin, announcedUntil: Date.now() - STARTUP_LOOKBACK_MS, running: null, again: false}
  holder.__dispatchScheduledPosts = state
  state.timer = setTimeout(() => void run(state), 1_000)
  state.timer.unref?.()
}

/** A post changed (scheduled, rescheduled, unpublished): re-read the next moment now. */
export function scheduledPostsChanged(): Promise<void> {
  const state = holder.__dispatchScheduledPosts
  return state ? run(state) : Promise.resolve()
}

/** Stops the watcher (tests). */
export function stopWatchingScheduledPosts(): void {
  const state = holder.__dispatchScheduledPosts
  if (state) clearTimeout(state.timer)
  delete holder.__dispatchScheduledPosts
}
