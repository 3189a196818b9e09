/** How many posts a feed carries: settings.feedItemCount, default 20, capped so a feed stays small. */
export const DEFAULT_FEED_ITEMS = 20
export const MAX_FEED_ITEMS = 100

export function feedItemLimit(configured: unknown): number {
  if (typeof configured !== 'number' || !Number.isFinite(configured)) return DEFAULT_FEED_ITEMS
  return Math.min(MAX_FEED_ITEMS, Math.max(1, Math.floor(configured)))
}

/** Excerpts are ≤ 300 characters by schema; this only bounds what reaches a feed if that ever slips. */
export const MAX_SUMMARY_LENGTH = 1000
