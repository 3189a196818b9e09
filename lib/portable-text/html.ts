/**
 * Portable Text → HTML for places outside the site's React tree (feeds first of all).
 * The output stands on its own in a feed reader: every link and image URL is absolute, blockquotes,
 * headings, lists, code, tables and separators are kept, embeds become plain links (readers strip iframes and scripts).
 * Text is escaped by @portabletext/to-html; every value we interpolate ourselves is escaped here.
 */
import {escapeHTML, toHTML, type PortableTextHtmlComponents} from '@portabletext/to-html'
import {absoluteUrl, safeHref} from '@/lib/site/urls'
import type {FeedImageSource, ImageUrlFor} from '@/lib/feeds/images'

export interface PortableTextHtmlOptions {
  /** Origin relative links are resolved against (the site URL). */
  baseUrl: string
  /** Absolute image URLs; images without a usable asset are left out. */
  imageUrlFor: ImageUrlFor
}

/** Body images are requested no wider than this (readers scale down; retina-friendly for columns). */
const BODY_IMAGE_WIDTH = 1200

/** An href from content, made absolute; null when its scheme is not allowed (javascript:, data: …). */
export function absoluteHref(href: unknown, baseUrl: string): string | null {
  const safe = safeHref(href)
  if (safe === null) return null
  if (/^mailto:/i.test(safe)) return safe
  try {
    return absoluteUrl(safe, baseUrl)
  } catch {
    return null
  }
}

/** A web URL (embeds): only http(s), made absolute. */
function webUrl(href: unknown, baseUrl: string): string | null {
  const url = absoluteHref(href, baseUrl)
  return url && /^https?:/i.test(url) ? url : null
}

const attr = (value: string) => escapeHTML(value)

export function portableTextToHtml(body: unknown, options: PortableTextHtmlOptions): string {
  if (!Array.isArray(body)) return ''
  type Node = Parameters<typeof toHTML>[0] extends infer T ? (T extends readonly (infer U)[] ? U : T) : never
  // Only typed objects are Portable Text nodes; anything else (null, strings) is dropped, not rendered.
  const blocks = body.filter(
    (node): node is Node => typeof node === 'object' && node !== null && typeof (node as {_type?: unknown})._type === 'string',
  )
  const {baseUrl, imageUrlFor} = options

  const components: Partial<PortableTextHtmlComponents> = {
    types: {
      image: ({value}: {value: FeedImageSource}) => {
        const src = imageUrlFor(value, {width: BODY_IMAGE_WIDTH})
        if (!src) return ''
        const alt = typeof value.alt === 'string' ? value.alt : ''
        const caption = typeof value.caption === 'string' && value.caption ? `<figcaption>${escapeHTML(value.caption)}</figcaption>` : ''
        return `<figure><img src="${attr(src)}" alt="${attr(alt)}" />${caption}</figure>`
      },
      codeBlock: ({value}: {value: {code?: unknown; language?: unknown; filename?: unknown}}) => {
        const code = typeof value.code === 'string' ? value.code : ''
        const language = typeof value.language === 'string' && /^[\w+#.-]{1,40}$/.test(value.language) ? value.language : ''
        const filename = typeof value.filename === 'string' && value.filename ? `<figcaption>${escapeHTML(value.filename)}</figcaption>` : ''
        const classAttr = language ? ` class="language-${attr(language)}"` : ''
        return `<figure>${filename}<pre><code${classAttr}>${escapeHTML(code)}</code></pre></figure>`
      },
      table: ({value}: {value: {caption?: unknown; headerRow?: unknown; rows?: unknown}}) => {
        const rows = (Array.isArray(value.rows) ? value.rows : [])
          .map((row) => (row && typeof row === 'object' && Array.isArray((row as {cells?: unknown}).cells) ? (row as {cells: unknown[]}).cells : []))
          .filter((cells) => cells.length > 0)
          .map((cells) => cells.map((cell) => (typeof cell === 'string' ? escapeHTML(cell) : '')))
        if (rows.length === 0) return ''
        const caption = typeof value.caption === 'string' && value.caption.trim() ? `<caption>${escapeHTML(value.caption.trim())}</caption>` : ''
        const head = value.headerRow === true ? rows.shift()! : null
        const thead = head ? `<thead><tr>${head.map((c) => `<th scope="col">${c}</th>`).join('')}</tr></thead>` : ''
        const tbody = rows.length ? `<tbody>${rows.map((cells) => `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody>` : ''
        return `<table>${caption}${thead}${tbody}</table>`
      },
      separator: () => '<hr />',
      embed: ({value}: {value: {url?: unknown; caption?: unknown}}) => {
        const url = webUrl(value.url, baseUrl)
        if (!url) return ''
        const label = typeof value.caption === 'string' && value.caption ? value.caption : url
        return `<p><a href="${attr(url)}">${escapeHTML(label)}</a></p>`
      },
    },
    marks: {
      link: ({children, value}) => {
        const href = absoluteHref((value as {href?: unknown} | undefined)?.href, baseUrl)
        return href ? `<a href="${attr(href)}">${children}</a>` : children
      },
    },
    // Unknown object types and marks (from a newer schema) degrade to nothing / plain text.
    unknownType: () => '',
    unknownMark: ({children}) => children,
  }

  return toHTML(blocks, {components, onMissingComponent: false})
}
