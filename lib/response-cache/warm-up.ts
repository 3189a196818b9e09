/**
 * After a (re)start, fetch the pages most readers land on so the first visitors get cache hits:
 * the home page, the feeds, and the newest entries of the sitemap. Sequential, bounded, and
 * best-effort: a failure here only means a colder cache.
 */
const ALWAYS = ['/', '/feed.xml', '/atom.xml', '/feed.json', '/archive']
const FROM_SITEMAP = 30

export async function warmUp(origin: string, signal?: AbortSignal): Promise<number> {
  const paths = new Set(ALWAYS)
  try {
    const sitemap = await fetch(`${origin}/sitemap.xml`, {signal})
    if (sitemap.ok) {
      const xml = await sitemap.text()
      for (const match of xml.matchAll(/<loc>([^<]+)<\/loc>/g)) {
        if (paths.size >= ALWAYS.length + FROM_SITEMAP) break
        try {
          paths.add(new URL(match[1]).pathname)
        } catch {
          // Not a URL: skip it.
        }
      }
    }
  } catch {
    // No sitemap yet: warm the fixed list only.
  }
  let warmed = 0
  for (const path of paths) {
    if (signal?.aborted) break
    try {
      const response = await fetch(origin + path, {signal})
      await response.arrayBuffer()
      if (response.ok) warmed++
    } catch {
      // Best effort.
    }
  }
  return warmed
}
