/**
 * Pagination arithmetic shared by the home, topic and archive pages.
 * Page numbers come from the URL, so they are parsed strictly: anything that is not a plain
 * positive integer in range is "not a page" (the page answers 404) rather than being coerced.
 */
export const DEFAULT_PAGE_SIZE = 10
export const MAX_PAGE_SIZE = 50
/** Deep pages cost a scan each; nobody reads page 10,000 of a blog. */
export const MAX_PAGE = 1000

/** Page size from settings, clamped to something sane. */
export function pageSize(fromSettings: unknown): number {
  const n = typeof fromSettings === 'number' && Number.isInteger(fromSettings) ? fromSettings : DEFAULT_PAGE_SIZE
  return Math.min(Math.max(n, 1), MAX_PAGE_SIZE)
}

/** Parses a page number segment/parameter; null when invalid. Missing means page 1. */
export function parsePageNumber(raw: string | string[] | undefined | null): number | null {
  if (raw === undefined || raw === null) return 1
  if (Array.isArray(raw)) return null
  if (!/^[1-9]\d{0,3}$/.test(raw)) return null
  const n = Number(raw)
  return n <= MAX_PAGE ? n : null
}

/** GROQ slice bounds (`[$start...$end]`, end exclusive) for a page. */
export function pageSlice(page: number, size: number): {start: number; end: number} {
  const start = (page - 1) * size
  return {start, end: start + size}
}

export function totalPages(total: number, size: number): number {
  return Math.max(1, Math.ceil(Math.max(0, total) / size))
}

export type PageInfo = {page: number; totalPages: number; previous: number | null; next: number | null}

export function pageInfo(page: number, total: number, size: number): PageInfo {
  const pages = totalPages(total, size)
  return {
    page,
    totalPages: pages,
    previous: page > 1 ? page - 1 : null,
    next: page < pages ? page + 1 : null,
  }
}
