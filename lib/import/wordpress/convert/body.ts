/**
 * A post's `content:encoded` → the site's Portable Text body (docs/data-model.md "Post body").
 *
 * Pipeline: block markup → HTML (gutenberg.ts) or classic text → HTML (autoembed, wpautop.ts);
 * shortcodes (shortcodes.ts); DOM normalisation (normalize.ts); then Sanity's HTML → Portable Text
 * converter, `@portabletext/html` (the engine of `@portabletext/block-tools`, used directly because
 * block-tools wants a compiled Studio schema and so would pull the whole `sanity` package into a CLI),
 * with a schema mirroring `sanity/schemaTypes/blockContent.ts` (a test keeps the two in step).
 *
 * Finally a text check: every word of the normalised document must appear in the result, else
 * `lostWords` says how many did not, so the summary can name the post instead of losing text quietly.
 */
import {htmlToPortableText} from '@portabletext/html'
import {compileSchema, defineSchema} from '@portabletext/schema'
import type {ConvertContext} from './context'
import {parseDocument} from './dom'
import {hasBlocks, gutenbergToHtml} from './gutenberg'
import {normalizeDocument, PLACEHOLDER_ATTRIBUTE, separateButtons, type PendingImage} from './normalize'
import {EMBED_ATTRIBUTE, escapeHtml, expandShortcodes} from './shortcodes'
import {wpautop} from './wpautop'

export const BODY_STYLES = ['normal', 'h2', 'h3', 'h4', 'blockquote'] as const
export const BODY_LISTS = ['bullet', 'number'] as const
export const BODY_DECORATORS = ['strong', 'em', 'code', 'underline', 'strike-through'] as const

export const bodySchema = compileSchema(
  defineSchema({
    styles: BODY_STYLES.map((name) => ({name})),
    lists: BODY_LISTS.map((name) => ({name})),
    decorators: BODY_DECORATORS.map((name) => ({name})),
    annotations: [{name: 'link', fields: [{name: 'href', type: 'string'}, {name: 'blank', type: 'boolean'}]}],
    blockObjects: [{name: 'image'}, {name: 'codeBlock'}, {name: 'embed'}, {name: 'table'}, {name: 'separator'}],
  }),
)

export interface Span {
  _type: 'span'
  _key: string
  text: string
  marks: string[]
}

export interface TextBlock {
  _type: 'block'
  _key: string
  style: string
  listItem?: string
  level?: number
  markDefs: {_type: string; _key: string; href?: string}[]
  children: Span[]
}

export type BodyMember = TextBlock | (PendingImage & {_key: string}) | ({_type: 'embed' | 'codeBlock' | 'table' | 'separator'; _key: string} & Record<string, unknown>)

export interface ConvertedBody {
  blocks: BodyMember[]
  /** Words of the source that are missing from the result (0 when everything visible arrived). */
  lostWords: number
  /** The first few of them, for the message. */
  lostSample: string[]
}

/** oEmbed providers WordPress auto-embeds when their URL stands alone on a line. */
const OEMBED_HOSTS =
  /^https?:\/\/(?:[\w-]+\.)*(?:youtube\.com|youtu\.be|vimeo\.com|twitter\.com|x\.com|instagram\.com|flickr\.com|flic\.kr|soundcloud\.com|spotify\.com|tiktok\.com|dailymotion\.com|ted\.com|slideshare\.net|speakerdeck\.com|reddit\.com|tumblr\.com|imgur\.com|giphy\.com|kickstarter\.com|mixcloud\.com|scribd\.com|issuu\.com|wordpress\.tv|videopress\.com|facebook\.com|pinterest\.com|wistia\.com|animoto\.com|cloudup\.com|crowdsignal\.com|polldaddy\.com|smugmug\.com|amazon\.com|bsky\.app|mastodon\.social)\//i

/** WordPress's autoembed: a line that is only an oEmbed URL becomes an embed. */
export function autoEmbed(html: string): string {
  return html.replace(/^(\s*)(https?:\/\/[^\s<>"]+)(\s*)$/gim, (whole, before: string, url: string, after: string) =>
    OEMBED_HOSTS.test(url) ? `${before}<figure ${EMBED_ATTRIBUTE}="${escapeHtml(url)}"></figure>${after}` : whole,
  )
}

/** The HTML a reader saw for this content (before our DOM normalisation). */
export function contentToHtml(content: string, context: ConvertContext): string {
  const withoutMore = content.replace(/<!--more.*?-->|<!--noteaser-->/g, '')
  if (hasBlocks(withoutMore)) return expandShortcodes(gutenbergToHtml(withoutMore, context), context)
  const html = expandShortcodes(autoEmbed(withoutMore.replace(/<!--nextpage-->/g, '\n<hr>\n')), context)
  return wpautop(html)
}

function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []
}

/** Elements that start a new line for a reader: their edges separate words, inline tags do not. */
const BREAKING = new Set(['p', 'div', 'li', 'ul', 'ol', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'br', 'td', 'th', 'tr', 'blockquote', 'figure', 'figcaption', 'pre', 'section', 'article', 'dd', 'dt', 'hr', 'table', 'cite', 'footer', 'summary', 'caption', 'img', 'iframe', 'video', 'audio']) // cite: the citation gets its own line

/** Never shown to readers (and removed by normalisation). */
const INVISIBLE = new Set(['script', 'style', 'template', 'noscript'])

function visibleText(document: Document): string {
  const parts: string[] = []
  const walk = (node: Node) => {
    if (node.nodeType === 3) parts.push(node.textContent ?? '')
    else if (node.nodeType === 1) {
      const el = node as Element
      if (INVISIBLE.has(el.tagName.toLowerCase())) return
      const json = el.getAttribute(PLACEHOLDER_ATTRIBUTE)
      const breaking = BREAKING.has(el.tagName.toLowerCase())
      if (breaking || json) parts.push(' ')
      if (json) parts.push(objectText(JSON.parse(json) as Record<string, unknown>))
      else for (const child of Array.from(el.childNodes)) walk(child)
      if (breaking || json) parts.push(' ')
    }
  }
  walk(document.body)
  return parts.join('')
}

function objectText(value: Record<string, unknown>): string {
  if (value._type === 'block') return ((value.children as Span[]) ?? []).map((c) => c.text).join('')
  if (value._type === 'table') return [value.caption ?? '', ...((value.rows as {cells: string[]}[]) ?? []).flatMap((r) => r.cells)].join(' ')
  return ['caption', 'alt', 'code', 'url', 'src'].map((k) => (typeof value[k] === 'string' ? (value[k] as string) : '')).join(' ')
}

/** Converts one post's content; `keyPrefix` makes keys stable across re-runs (same content → same keys). */
export function convertBody(content: string, context: ConvertContext, keyPrefix = 'k'): ConvertedBody {
  const html = contentToHtml(content, context)
  if (!html.trim()) return {blocks: [], lostWords: 0, lostSample: []}
  const document = parseDocument(html)
  separateButtons(document)
  // Measured before normalisation, so a mistake there shows up as lost words too.
  const expected = words(visibleText(document))
  normalizeDocument(document, context)
  let counter = 0
  const key = () => `${keyPrefix}${(counter++).toString(36)}`
  const raw = htmlToPortableText(html, {
    schema: bodySchema,
    keyGenerator: key,
    parseHtml: () => document,
    rules: [
      {
        deserialize(el, _next, createBlock) {
          const json = (el as Element).getAttribute?.(PLACEHOLDER_ATTRIBUTE)
          if (!json) return undefined
          return createBlock({...(JSON.parse(json) as {_type: string}), _key: key()})
        },
      },
    ],
  }) as unknown as BodyMember[]

  const blocks = raw.flatMap((member): BodyMember[] => {
    if (member._type !== 'block') return [{...member, _key: member._key ?? key()} as BodyMember]
    const block = member as TextBlock
    const children = block.children.map((child) => ({...child, _type: 'span' as const, marks: child.marks ?? []}))
    const text = children.map((c) => c.text).join('')
    if (!text.trim()) return []
    // Trim the whitespace the HTML layout left at the block's edges.
    children[0] = {...children[0], text: children[0].text.replace(/^\s+/, '')}
    const last = children.length - 1
    children[last] = {...children[last], text: children[last].text.replace(/\s+$/, '')}
    const usedDefs = new Set(children.flatMap((c) => c.marks))
    return [{...block, markDefs: (block.markDefs ?? []).filter((d) => usedDefs.has(d._key)), children: children.filter((c) => c.text !== '' || children.length === 1)}]
  })

  const produced = new Set(
    words(blocks.map((b) => (b._type === 'block' ? (b as TextBlock).children.map((c) => c.text).join('') : objectText(b as Record<string, unknown>))).join(' ')),
  )
  const lost = expected.filter((w) => !produced.has(w))
  return {blocks, lostWords: lost.length, lostSample: [...new Set(lost)].slice(0, 5)}
}
