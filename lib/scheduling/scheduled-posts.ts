import {AsyncLocalStorage} from 'node:async_hooks'
import {encodeSignatureHeader} from '@sanity/webhook'
import {clusterRedis, runOnce, type OnceOutcome, type RedisConnection} from '@/lib/cluster'
import {revalidateSecret} from '@/lib/env'
import {client} from '@/sanity/lib/client'

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
 *
 * Delivery is at least once, and exactly once while things work: with several instances
 * (REDIS_URL) every one of them watches, one claims each post's moment and announces it
 * (lib/cluster/once.ts); a failed announcement releases the claim and the window is not passed, so
 * the next pass of any instance announces it again. An instance that finds another one announcing
 * right now re-checks a second later instead of passing the post by.
 */
const RECHECK_MS = 5 * 60_000
/** A failed pass, or a post another instance is announcing right now: look again this soon. */
const RETRY_MS = 1_000
/** Fire this long after the moment, so the backend's `now()` has certainly passed it too. */
const MOMENT_SLACK_MS = 100
/** At start, announce posts that came due while no server ran (Next's file cache survived). */
const STARTUP_LOOKBACK_MS = 5 * 60_000
/** One announcement: two requests to this very server. */
const ANNOUNCE_TIMEOUT_MS = 10_000
/** A claimant that neither finished nor released within this is presumed dead: another one announces. */
const CLAIM_LOCK_MS = 3 * ANNOUNCE_TIMEOUT_MS
const CLAIM_DONE_MS = 24 * 3600_000
const WEBHOOK_PATHS = ['/api/revalidate', '/api/webhooks/mentions']

const visibleScheduledPost = /* groq */ `_type == "post" && defined(slug.current) && !(_id in path("drafts.**")) && !(_id in path("versions.**"))`

/**
 * Posts whose moment lies in (since, until], written BEFORE that moment. A post written at or
 * after its `publishedAt` (published at once, or back-dated) was made visible by that write's own
 * live event and webhooks: announcing it again would only purge every cache once more and send its
 * mentions twice.
 */
export const duePostsQuery = /* groq */ `*[${visibleScheduledPost} && dateTime(publishedAt) > dateTime($since) && dateTime(publishedAt) <= dateTime($until) && dateTime(_updatedAt) < dateTime(publishedAt)] | order(publishedAt asc)[0...100]{_id, "slug": slug.current, publishedAt}`

/**
 * The next moment after `$after` — the upper end of the window just announced, not the backend's
 * `now()`: a post coming due while a pass runs falls between the two and would otherwise wait for
 * the five-minute safety net.
 */
export const nextScheduledPostQuery = /* groq */ `*[${visibleScheduledPost} && dateTime(publishedAt) > dateTime($after)] | order(publishedAt asc)[0]{_id, "slug": slug.current, publishedAt}`

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
  warnedAt?: number
  /**
   * Runs a pass in the async context the watcher started in (instrumentation), never in that of
   * the request that happened to call `scheduledPostsChanged()`: Next keeps per-request state in
   * AsyncLocalStorage, and a timer set during a request would carry that finished request along.
   */
  detached: <R>(fn: () => R) => R
}
// On globalThis: Next loads instrumentation and route handlers as separate module instances.
const holder = globalThis as typeof globalThis & {__dispatchScheduledPosts?: State}

/**
 * Sends the same signed payload the lake sends after a publish. Throws unless both endpoints
 * accepted it (2xx): a refused or failed announcement must be retried, not counted as done.
 */
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
    WEBHOOK_PATHS.map(async (path) => {
      const response = await fetch(origin + path, {
        method: 'POST',
        headers: {'content-type': 'application/json', 'sanity-webhook-signature': signature},
        body,
        signal: AbortSignal.timeout(ANNOUNCE_TIMEOUT_MS),
      })
      await response.arrayBuffer()
      if (!response.ok) throw new Error(`${path} answered ${response.status}`)
    }),
  )
}

export interface PublishDueDeps {
  fetchDue(since: string, until: string): Promise<ScheduledPost[]>
  announce(origin: string, post: ScheduledPost): Promise<void>
  redis: RedisConnection | null
  log(line: string): void
}

const defaultDeps = (): PublishDueDeps => ({
  fetchDue: (since, until) => client.fetch<ScheduledPost[]>(duePostsQuery, {since, until}, {cache: 'no-store'}),
  announce: announcePublished,
  redis: clusterRedis(),
  log: (line) => console.info(line),
})

export interface DuePass {
  due: ScheduledPost[]
  /** Some post is being announced by another instance right now: do not pass the window yet. */
  pending: boolean
}

/**
 * Makes the posts scheduled in (since, until] visible: announces each to the site, which expires
 * the cache tags of home, feeds, archives and the post page. The one entry point for "scheduled
 * posts go live". Throws when an announcement failed (its claim released): the caller retries the
 * same window.
 */
export async function publishDuePosts(origin: string, since: number, until: number, deps: PublishDueDeps = defaultDeps()): Promise<DuePass> {
  const due = await deps.fetchDue(new Date(since).toISOString(), new Date(until).toISOString())
  const outcomes: OnceOutcome[] = await Promise.all(
    due.map((post) =>
      runOnce(
        deps.redis,
        `scheduled:${post._id}:${post.publishedAt}`,
        async () => {
          await deps.announce(origin, post)
          deps.log(`[scheduling] announced ${post._id}, scheduled for ${post.publishedAt}`)
        },
        {lockMs: CLAIM_LOCK_MS, doneMs: CLAIM_DONE_MS},
      ),
    ),
  )
  return {due, pending: outcomes.includes('busy')}
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
  let delay: number
  try {
    const until = Date.now()
    let pending = false
    if (until > state.announcedUntil) {
      pending = (await publishDuePosts(state.origin, state.announcedUntil, until)).pending
      // Passed only once every post in it is announced (by this instance or another).
      if (!pending) state.announcedUntil = until
    }
    const next = await client.fetch<ScheduledPost | null>(nextScheduledPostQuery, {after: new Date(until).toISOString()}, {cache: 'no-store'})
    delay = pending ? RETRY_MS : delayUntil(next?.publishedAt)
  } catch (error) {
    // The backend or the site is not up yet, or an announcement failed: try again soon.
    // Said at most once a minute: a backend that is down for a while would otherwise fill the log.
    if (Date.now() - (state.warnedAt ?? 0) > 60_000) {
      state.warnedAt = Date.now()
      console.warn(`[scheduling] pass failed, retrying every ${RETRY_MS} ms:`, error instanceof Error ? error.message : error)
    }
    delay = RETRY_MS
  }
  state.timer = setTimeout(() => state.detached(() => void run(state)), delay)
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
  const state: State = {
    origin,
    announcedUntil: Date.now() - STARTUP_LOOKBACK_MS,
    running: null,
    again: false,
    detached: AsyncLocalStorage.snapshot(),
  }
  holder.__dispatchScheduledPosts = state
  state.timer = setTimeout(() => state.detached(() => void run(state)), 1_000)
  state.timer.unref?.()
}

/** A post changed (scheduled, rescheduled, unpublished): re-read the next moment now. */
export function scheduledPostsChanged(): Promise<void> {
  const state = holder.__dispatchScheduledPosts
  return state ? state.detached(() => run(state)) : Promise.resolve()
}

/** Stops the watcher (tests). */
export function stopWatchingScheduledPosts(): void {
  const state = holder.__dispatchScheduledPosts
  if (state) clearTimeout(state.timer)
  delete holder.__dispatchScheduledPosts
}
