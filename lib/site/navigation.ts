import type {NavItem} from './types'

/** How many categories the header shows. */
export const NAV_CATEGORY_LIMIT = 12

/** Categories used by at least one visible post, alphabetical, with a slug; at most NAV_CATEGORY_LIMIT. */
export function navigationCategories(result: {categories: NavItem[]; used: (string | null)[] | null} | null) {
  const used = new Set(result?.used ?? [])
  return (result?.categories ?? [])
    .filter((item): item is NavItem & {slug: string} => !!item.slug && used.has(item._id))
    .slice(0, NAV_CATEGORY_LIMIT)
}
