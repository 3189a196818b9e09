import {encodeSignatureHeader} from '@sanity/webhook'
import {claimOnce, clusterRedis} from '@/lib/cluster'
import {revalidateSecret} from '@/lib/env'
import {client} from '@/sanity/lib/client'
import {nextScheduledPostQuery} from '@/sanity/lib/queries'

/**
 * Scheduled publishing. A post with a future `publishedAt` is already published in the lake (or
 * Sanity) but hidden from readers until that moment, and no content change happens when the moment
 * comes — so no webhook either. This watcher sends the site the webhooks a publish would have sent
 * (revalidation, and the post's outgoing pingbacks/Webmentions) when a scheduled post goes live.
 *
 * It re-reads the next scheduled post at least every few minutes, so posts scheduled or
 * rescheduled after startup are picked up without any coordination.
 */
const RECHECK_MS = 5 * 60_000
const WEBHOOK_PATHS = ['/api/revalidate', '/api/webhooks/mentions']

interface ScheduledPost {
  _id: string
  slug: string
  publishedAt: string
}

type State = {timer?: ReturnType<typeof setTimeout>; announced: Set<string>}
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

/** Delay until the next check: the scheduled moment (plus a little), but never longer than RECHECK_MS. */
export function delayUntil(publishedAt: string | undefined, now = Date.now()): number {
  if (!publishedAt) return RECHECK_MS
  const due = Date.parse(publishedAt) - now + 250
  return Math.max(250, Math.min(due, RECHECK_MS))
}

/** Starts the watcher once per process (module reloads in dev keep the first one). */
export function watchScheduledPosts(origin: string): void {
  if (!revalidateSecret) return
  const state = (holder.__dispatchScheduledPosts ??= {announced: new Set()})
  if (state.timer) return

  let upcoming: ScheduledPost | null = null
  const tick = async () => {
    try {
      if (upcoming && Date.parse(upcoming.publishedAt) <= Date.now() && !state.announced.has(upcoming._id + upcoming.publishedAt)) {
        state.announced.add(upcoming._id + upcoming.publishedAt)
        // Several instances (REDIS_URL) all watch; the first to claim this post's moment announces it.
        if (await claimOnce(clusterRedis(), `scheduled:${upcoming._id}:${upcoming.publishedAt}`, 24 * 3600_000)) {
          await announcePublished(origin, upcoming)
          console.info(`[scheduling] announced ${upcoming._id}, scheduled for ${upcoming.publishedAt}`)
        }
      }
      upcoming = await client.fetch<ScheduledPost | null>(nextScheduledPostQuery, {}, {cache: 'no-store'})
    } catch {
      // The backend or the site is not up yet; try again at the next tick.
    }
    state.timer = setTimeout(() => void tick(), delayUntil(upcoming?.publishedAt))
    state.timer.unref?.()
  }
  state.timer = setTimeout(() => void tick(), 1_000)
  state.timer.unref?.()
}
