/**
 * Dates as readers see them. Formatting is pinned to UTC so the server render, the archive URL
 * and the `<time datetime>` attribute always agree, whatever the server's time zone.
 */
export const MONTH_NAMES = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
] as const

export function formatDate(iso: string, locale = 'en'): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return ''
  try {
    return new Intl.DateTimeFormat(locale, {dateStyle: 'long', timeZone: 'UTC'}).format(date)
  } catch {
    return new Intl.DateTimeFormat('en', {dateStyle: 'long', timeZone: 'UTC'}).format(date)
  }
}

export function monthLabel(year: number, month: number): string {
  return `${MONTH_NAMES[month - 1]} ${year}`
}

/** Parses `/archive/[year]/[month]` segments; null when out of range or malformed. */
export function parseArchiveMonth(yearRaw: string, monthRaw: string): {year: number; month: number} | null {
  if (!/^\d{4}$/.test(yearRaw) || !/^\d{1,2}$/.test(monthRaw)) return null
  const year = Number(yearRaw)
  const month = Number(monthRaw)
  if (year < 1970 || year > 9999 || month < 1 || month > 12) return null
  return {year, month}
}

/** `[from, to)` ISO bounds of a UTC month, for GROQ comparisons with `publishedAt`. */
export function monthRange(year: number, month: number): {from: string; to: string} {
  const from = new Date(Date.UTC(year, month - 1, 1))
  const to = new Date(Date.UTC(year, month, 1))
  return {from: from.toISOString(), to: to.toISOString()}
}

export type ArchiveMonth = {year: number; month: number; count: number}

/** Groups publication dates (newest first) into months with post counts. */
export function groupByMonth(dates: readonly (string | null | undefined)[]): ArchiveMonth[] {
  const counts = new Map<string, ArchiveMonth>()
  for (const iso of dates) {
    if (!iso) continue
    const d = new Date(iso)
    if (Number.isNaN(d.getTime())) continue
    const year = d.getUTCFullYear()
    const month = d.getUTCMonth() + 1
    const key = `${year}-${month}`
    const entry = counts.get(key) ?? {year, month, count: 0}
    entry.count += 1
    counts.set(key, entry)
  }
  return [...counts.values()].sort((a, b) => b.year - a.year || b.month - a.month)
}
