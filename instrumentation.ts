/**
 * Runs once when a Next.js server process starts (Node runtime only): background work that must
 * not wait for the first request — scheduled posts going live, retrying contact notifications, and
 * following the Live Content API so cached pages expire by sync tag (lib/site/live-revalidation.ts).
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return
  const {watchScheduledPosts} = await import('@/lib/scheduling/scheduled-posts')
  const {kickDeliveryWorker} = await import('@/lib/contact/delivery')
  const origin = `http://127.0.0.1:${process.env.PORT || 3000}`
  watchScheduledPosts(origin)
  // Not while `next build` prerenders: there is no server to expire anything in yet.
  if (process.env.NEXT_PHASE !== 'phase-production-build') {
    const {followLiveEvents} = await import('@/lib/site/live-revalidation')
    followLiveEvents(origin)
  }
  void kickDeliveryWorker().catch(() => {})
}
