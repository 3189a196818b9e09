/**
 * HTML named entities in WXR text nodes. XML knows only five, but WordPress writes titles and
 * term names with `&nbsp;`, `&hellip;`, `&rsquo;`… outside CDATA. linkedom's HTML parser knows the
 * full HTML5 table, so one tiny parse per distinct entity name (cached) decodes them.
 */
import {parseHTML} from 'linkedom'

const cache = new Map<string, string | null>()

/** The text of `&name;`, or null when HTML has no such entity. */
export function decodeHtmlEntity(name: string): string | null {
  const cached = cache.get(name)
  if (cached !== undefined) return cached
  const {document} = parseHTML(`<p>&${name};</p>`)
  const text = document.querySelector('p')?.textContent ?? ''
  const value = text === `&${name};` || text === '' ? null : text
  if (cache.size < 2000) cache.set(name, value)
  return value
}
