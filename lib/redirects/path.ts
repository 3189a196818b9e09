/**
 * The one normalisation of an old address, shared by whoever stores redirects (the WordPress
 * importer) and the site's lookup (lib/redirects/lookup.ts), so both agree on the key: percent-decoded,
 * lower-case, no duplicate or trailing slash, and only WordPress's query-string permalinks kept
 * (`?p=`, `?page_id=`, `?cat=`, `?tag=`, `?feed=`, `?author=`, `?attachment_id=`), e.g. `/?p=123`.
 */
const KEPT_QUERY = ['p', 'page_id', 'cat', 'tag', 'feed', 'author', 'attachment_id']

export const MAX_REDIRECT_PATH_LENGTH = 1024

export function normalizeRedirectPath(pathname: string, search = ''): string | null {
  let path = pathname
  try {
    path = decodeURIComponent(pathname)
  } catch {
    /* keep it encoded */
  }
  path = path.toLowerCase().replace(/\/{2,}/g, '/')
  if (!path.startsWith('/')) path = `/${path}`
  if (path.length > 1) path = path.replace(/\/+$/, '')
  if (search) {
    const params = new URLSearchParams(search)
    const kept = KEPT_QUERY.filter((key) => params.get(key)).map((key) => `${key}=${params.get(key)!.toLowerCase()}`)
    if (kept.length) path = `${path}?${kept.join('&')}`
  }
  return path.length <= MAX_REDIRECT_PATH_LENGTH ? path : null
}

/** True for requests that could carry an old WordPress query-string permalink. */
export function hasWordPressQuery(searchParams: URLSearchParams): boolean {
  return KEPT_QUERY.some((key) => searchParams.has(key))
}
