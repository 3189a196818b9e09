/**
 * Gutenberg block markup (`<!-- wp:name {attrs} -->…<!-- /wp:name -->`) → the HTML a reader saw.
 *
 * A saved block's HTML already is what WordPress serves for static blocks, so most blocks simply
 * pass their HTML through (inner blocks included). The exceptions are the blocks whose meaning
 * lives in the comment: embeds (the URL is an attribute), shortcodes and the classic block
 * (WordPress runs `wpautop` on them), `more`/`nextpage`, reusable blocks (`core/block` refers to a
 * `wp_block` post) and dynamic blocks (latest posts, archives, …: WordPress renders them at view
 * time and stores nothing, so there is nothing to import; they are noted, not silently dropped).
 * Blocks from plugins keep their HTML (text kept) and are noted as unknown.
 *
 * The grammar follows WordPress's block parser (wp-includes/class-wp-block-parser.php): attributes
 * are JSON ending at `}` followed by whitespace and `-->`.
 */
import type {ConvertContext} from './context'
import {EMBED_ATTRIBUTE, escapeHtml} from './shortcodes'
import {wpautop} from './wpautop'

const TOKEN = /<!--\s+(\/)?wp:([a-z][a-z0-9_-]*\/)?([a-z][a-z0-9_-]*)\s+(?:(\{[\s\S]*?\})\s+)?(\/)?-->/g

/** True when the content was written in the block editor. */
export function hasBlocks(content: string): boolean {
  return content.includes('<!-- wp:')
}

/** Core blocks whose saved HTML is what readers see (or that only wrap inner blocks). */
const STATIC_CORE = new Set([
  'paragraph', 'heading', 'list', 'list-item', 'quote', 'pullquote', 'image', 'gallery', 'code', 'preformatted',
  'verse', 'table', 'separator', 'html', 'group', 'columns', 'column', 'cover', 'media-text', 'buttons', 'button',
  'audio', 'video', 'file', 'details', 'row', 'stack', 'text-columns', 'subhead', 'footnotes', 'math', 'missing',
  'social-links', 'freeform', 'shortcode', 'embed', 'more', 'nextpage', 'block', 'spacer',
])

/** Core blocks WordPress renders at view time from other data; their saved markup is empty. */
const DYNAMIC_CORE = new Set([
  'latest-posts', 'latest-comments', 'archives', 'categories', 'calendar', 'search', 'tag-cloud', 'rss',
  'page-list', 'navigation', 'site-title', 'site-tagline', 'site-logo', 'query', 'post-title', 'post-content',
  'post-date', 'post-excerpt', 'post-featured-image', 'post-author', 'post-terms', 'loginout', 'social-link',
  'template-part', 'comments', 'query-loop', 'home-link', 'navigation-link', 'avatar', 'read-more',
])

interface OpenBlock {
  namespace: string
  name: string
  attrs: Record<string, unknown>
  html: string
}

function parseAttrs(json: string | undefined): Record<string, unknown> {
  if (!json) return {}
  try {
    const value: unknown = JSON.parse(json)
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

function figcaptionOf(html: string): string {
  const match = /<figcaption[^>]*>([\s\S]*?)<\/figcaption>/i.exec(html)
  return match ? match[1].replace(/<[^>]+>/g, '').trim() : ''
}

function render(block: OpenBlock, context: ConvertContext, depth: number): string {
  const {namespace, name, attrs, html} = block
  if (namespace === 'core-embed' || (namespace === 'core' && name === 'embed')) {
    const url = typeof attrs.url === 'string' ? attrs.url : /https?:\/\/[^\s<"]+/.exec(html)?.[0]
    if (!url) return html
    const caption = figcaptionOf(html)
    return `<figure ${EMBED_ATTRIBUTE}="${escapeHtml(url)}">${caption ? `<figcaption>${escapeHtml(caption)}</figcaption>` : ''}</figure>`
  }
  if (namespace !== 'core') {
    context.note('unknown block (content kept)', `${namespace}/${name}`)
    return html
  }
  switch (name) {
    case 'freeform':
      return wpautop(html)
    case 'shortcode':
      return wpautop(html)
    // These save no visible markup of their own; whatever they wrap (only when the markup is
    // broken and they were never closed) is kept.
    case 'more':
    case 'spacer':
      return html
    case 'nextpage':
      return `<hr>${html}`
    case 'footnotes': {
      // Dynamic: WordPress renders the notes from post meta; they are the post's text too.
      const notes = context.footnotes?.() ?? []
      return notes.length ? `<ol class="wp-block-footnotes">${notes.map((n) => `<li id="${escapeHtml(n.id)}">${n.content}</li>`).join('')}</ol>${html}` : html
    }
    case 'missing':
      return typeof attrs.originalContent === 'string' ? attrs.originalContent : html
    case 'block': {
      const ref = attrs.ref === undefined ? '' : String(attrs.ref)
      const reusable = ref ? context.reusableBlock(ref) : undefined
      if (reusable === undefined) {
        context.note('unknown block (content kept)', `core/block (reusable block ${ref || '?'} not in the export)`)
        return html
      }
      return depth > 5 ? '' : gutenbergToHtml(reusable, context, depth + 1)
    }
  }
  if (DYNAMIC_CORE.has(name) || /^(query|comments?|post|term)-/.test(name)) {
    if (html.trim()) return html
    context.note('dynamic block (rendered by WordPress, nothing stored to import)', `core/${name}`)
    return ''
  }
  if (!STATIC_CORE.has(name)) context.note('unknown block (content kept)', `core/${name}`)
  return html
}

/** Converts block markup to HTML; text outside blocks is classic content (wpautop'd, as WordPress does). */
export function gutenbergToHtml(content: string, context: ConvertContext, depth = 0): string {
  const stack: OpenBlock[] = []
  let output = ''
  let freeform = ''
  let index = 0
  const append = (html: string) => {
    if (stack.length) stack[stack.length - 1].html += html
    else output += html
  }
  const flushFreeform = () => {
    if (freeform.trim()) output += wpautop(freeform)
    freeform = ''
  }
  const pattern = new RegExp(TOKEN.source, 'g')
  for (let m = pattern.exec(content); m; m = pattern.exec(content)) {
    const between = content.slice(index, m.index)
    index = m.index + m[0].length
    if (stack.length) stack[stack.length - 1].html += between
    else freeform += between
    const [, closer, namespacePart, name, json, voidMark] = m
    const namespace = namespacePart ? namespacePart.slice(0, -1) : 'core'
    if (closer) {
      // Close the innermost block of that name (tolerates unbalanced markup from old exports).
      let at = stack.length - 1
      while (at >= 0 && !(stack[at].name === name && stack[at].namespace === namespace)) at--
      if (at < 0) continue
      while (stack.length - 1 > at) {
        const orphan = stack.pop() as OpenBlock
        stack[stack.length - 1].html += render(orphan, context, depth)
      }
      const block = stack.pop() as OpenBlock
      append(render(block, context, depth))
      continue
    }
    if (!stack.length) flushFreeform()
    const block: OpenBlock = {namespace, name, attrs: parseAttrs(json), html: ''}
    if (voidMark) append(render(block, context, depth))
    else stack.push(block)
  }
  const rest = content.slice(index)
  if (stack.length) stack[stack.length - 1].html += rest
  else freeform += rest
  // Unclosed blocks at the end: keep their content.
  while (stack.length) {
    const block = stack.pop() as OpenBlock
    append(render(block, context, depth))
  }
  flushFreeform()
  return output
}
