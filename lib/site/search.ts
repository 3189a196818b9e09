/**
 * Turns the reader's `?q=` into GROQ `match` terms. The query text is passed as a parameter
 * (never spliced into GROQ), but `match` has its own little syntax (`*` wildcards, tokenising),
 * so the input is reduced to plain words: length-capped, at most a handful of terms, each made a
 * prefix match so "venez" finds "Venezuela".
 */
export const MAX_QUERY_LENGTH = 100
export const MAX_TERMS = 8
export const SEARCH_RESULT_LIMIT = 20

/** The cleaned query to echo back and search for; '' when nothing searchable remains. */
export function normaliseQuery(raw: string | string[] | undefined | null): string {
  const value = Array.isArray(raw) ? raw[0] : raw
  if (typeof value !== 'string') return ''
  return value.normalize('NFKC').replace(/\s+/g, ' ').trim().slice(0, MAX_QUERY_LENGTH)
}

/** Words for GROQ `match`, each with a trailing wildcard. Empty when there is nothing to search. */
export function searchTerms(query: string): string[] {
  const words = query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []
  const unique = [...new Set(words)].slice(0, MAX_TERMS)
  return unique.map((word) => `${word}*`)
}
