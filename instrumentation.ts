/**
 * Runs once when a Next.js server process starts (Node runtime only): background work that must
 * not wait for the first request — scheduled posts going live, and retrying contact notifications.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return
  const {watchScheduledPosts} = await import('@/lib/scheduling/scheduled-posts')
  const {kickDeliveryWorker} = await import('@/lib/contact/delivery')
  watchScheduledPosts(`http://127.0.0.1:${process.env.PORT || 3000}`)
  void kickDeliveryWorker().catch(() => {})
}
