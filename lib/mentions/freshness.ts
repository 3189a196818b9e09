/**
 * Keeping the Pingbacks section fresh, and running work after the response.
 *
 * The section is cached (Next Data Cache) under `pingbacks` and `pingbacks:<postId>`. Pingback
 * documents have private ids, and the lake's webhooks skip private ids, so no webhook tells us
 * when one changes. Instead every code path that writes one revalidates its tag itself:
 * - the receivers and the publisher (this module, called from store.ts);
 * - Studio moderation (Approve / Spam) calls POST /api/webhooks/mentions/moderated, which checks the
 *   editor's token and revalidates the pingback's post;
 * - a hosted Sanity webhook for `_type == "pingback"` pointed at /api/webhooks/mentions does the same;
 * - the fetch's `revalidate` (SAFETY_NET_SECONDS) bounds staleness if all of those were missed.
 */
import {after} from 'next/server'
import {revalidateTag} from 'next/cache'

export const PINGBACKS_TAG = 'pingbacks'
export const PINGBACKS_SAFETY_NET_SECONDS = 300

export function pingbacksTag(postId: string): string {
  return `${PINGBACKS_TAG}:${postId}`
}

/**
 * Expires the cached Pingbacks section of a post (or of every post when the post is unknown).
 * Outside a Next.js request (tests, scripts) there is no cache to expire: nothing to do.
 */
export function revalidatePingbacks(postId: string | null): void {
  try {
    revalidateTag(postId ? pingbacksTag(postId) : PINGBACKS_TAG, {expire: 0})
  } catch {
    // Not inside a Next.js request scope: no Data Cache in this process.
  }
}

const detached = new Set<Promise<void>>()

/**
 * Runs `task` after the response is sent (Next's `after()`), or — outside a Next.js request, e.g.
 * when route handlers are driven directly by tests — as a detached promise. Errors are logged,
 * never thrown at the caller.
 */
export function runInBackground(label: string, task: () => Promise<void>): void {
  const guarded = async () => {
    try {
      await task()
    } catch (error) {
      console.error(`[mentions] ${label} failed:`, error instanceof Error ? error.message : error)
    }
  }
  try {
    after(guarded)
  } catch {
    const promise = guarded().finally(() => detached.delete(promise))
    detached.add(promise)
  }
}

/** Waits for detached background work (tests; graceful shutdown). */
export async function settleBackgroundWork(): Promise<void> {
  while (detached.size > 0) await Promise.all([...detached])
}
