/**
 * WordPress shortcodes → plain HTML the DOM stage understands. Core ones (`[caption]`,
 * `[gallery]`, `[embed]`, `[audio]`, `[video]`, `[playlist]`) and the common WordPress.com/plugin
 * ones (`[youtube]`, `[vimeo]`, `[tweet]`, `[soundcloud]`, `[code]`/`[sourcecode]`) are turned into
 * figures, embeds and `<pre>`; everything else stays exactly as written — WordPress itself prints an
 * unregistered shortcode as text — and is reported once per name through `context.note`.
 *
 * `[[name]]` is WordPress's escape for a literal `[name]`.
 */
import type {ConvertContext} from './context'

export const EMBED_ATTRIBUTE = 'data-wp-embed'

const CODE_SHORTCODES = new Set(['code', 'sourcecode', 'source', 'php', 'js', 'javascript', 'css', 'html', 'xml', 'bash', 'shell', 'sql', 'python', 'ruby', 'java', 'cpp', 'c'])
const KNOWN = new Set([
  'caption', 'wp_caption', 'gallery', 'embed', 'audio', 'video', 'playlist', 'youtube', 'vimeo', 'tweet',
  'twitter', 'soundcloud', 'dailymotion', 'flickr', 'instagram', 'googlemaps', 'slideshare', 'ted', 'spotify',
  ...CODE_SHORTCODES,
])

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

/** WordPress's shortcode_parse_atts: name="v", name='v', name=v, and positional values. */
export function parseAttributes(text: string): {named: Record<string, string>; positional: string[]} {
  const named: Record<string, string> = {}
  const positional: string[] = []
  const pattern = /([\w-]+)\s*=\s*"([^"]*)"(?:\s|$)|([\w-]+)\s*=\s*'([^']*)'(?:\s|$)|([\w-]+)\s*=\s*([^\s'"]+)(?:\s|$)|"([^"]*)"(?:\s|$)|'([^']*)'(?:\s|$)|(\S+)(?:\s|$)/g
  const source = text.replace(/[\u00a0\u200b]/g, ' ')
  for (const m of source.matchAll(pattern)) {
    if (m[1]) named[m[1].toLowerCase()] = m[2]
    else if (m[3]) named[m[3].toLowerCase()] = m[4]
    else if (m[5]) named[m[5].toLowerCase()] = m[6]
    else positional.push(m[7] ?? m[8] ?? m[9] ?? '')
  }
  return {named, positional}
}

function embedFigure(url: string, caption = ''): string {
  return `<figure ${EMBED_ATTRIBUTE}="${escapeHtml(url)}">${caption ? `<figcaption>${escapeHtml(caption)}</figcaption>` : ''}</figure>`
}

function imageFigure(url: string, alt: string, caption: string): string {
  return `<figure><img src="${escapeHtml(url)}" alt="${escapeHtml(alt)}">${caption ? `<figcaption>${escapeHtml(caption)}</figcaption>` : ''}</figure>`
}

function firstUrl(values: string[]): string | undefined {
  return values.map((v) => v.replace(/^=/, '')).find((v) => /^https?:\/\//i.test(v))
}

function render(name: string, attributes: string, content: string | undefined, context: ConvertContext): string | null {
  const {named, positional} = parseAttributes(attributes)
  switch (name) {
    case 'caption':
    case 'wp_caption': {
      // [caption id="attachment_5" caption="…"]<a><img …></a> Caption text[/caption]
      const inner = content ?? ''
      const media = inner.match(/^\s*((?:<a [^>]+>\s*)?<img[^>]+>(?:\s*<\/a>)?)([\s\S]*)$/i)
      const caption = named.caption ?? (media ? media[2].trim() : '')
      return `<figure>${media ? media[1] : inner}${caption ? `<figcaption>${caption}</figcaption>` : ''}</figure>`
    }
    case 'gallery': {
      const ids = (named.ids ?? named.include ?? '').split(',').map((s) => s.trim()).filter(Boolean)
      const parent = named.id ?? context.postId
      const attachments = ids.length
        ? ids.map((id) => context.attachment(id)).filter((a) => a !== undefined)
        : context.attachmentsOf(parent)
      if (attachments.length === 0) return ''
      return attachments.map((a) => imageFigure(a.url, a.alt, a.caption)).join('\n')
    }
    case 'embed': {
      const url = (content ?? '').trim() || named.src || ''
      return url ? embedFigure(url) : ''
    }
    case 'audio':
    case 'video': {
      const url = named.src ?? named.mp3 ?? named.mp4 ?? named.m4a ?? named.ogg ?? named.ogv ?? named.webm ?? named.wav ?? named.flv ?? named.wmv ?? firstUrl(positional)
      return url ? embedFigure(url) : null
    }
    case 'playlist': {
      const ids = (named.ids ?? '').split(',').map((s) => s.trim()).filter(Boolean)
      const items = ids.map((id) => context.attachment(id)).filter((a) => a !== undefined)
      return items.length ? items.map((a) => embedFigure(a.url, a.title)).join('\n') : null
    }
    case 'youtube':
    case 'dailymotion':
    case 'flickr':
    case 'instagram':
    case 'slideshare':
    case 'ted':
    case 'spotify':
    case 'googlemaps':
    case 'soundcloud': {
      const url = named.url ?? firstUrl(positional) ?? (content?.trim() || undefined)
      if (url && /^https?:\/\//i.test(url)) return embedFigure(url)
      if (name === 'youtube' && positional[0]) return embedFigure(`https://www.youtube.com/watch?v=${positional[0].replace(/^=/, '')}`)
      return null
    }
    case 'vimeo': {
      const value = named.id ?? firstUrl(positional) ?? positional[0]?.replace(/^=/, '')
      if (!value) return null
      return embedFigure(/^https?:/i.test(value) ? value : `https://vimeo.com/${value}`)
    }
    case 'tweet':
    case 'twitter': {
      const value = named.tweet ?? named.url ?? firstUrl(positional) ?? positional[0]?.replace(/^=/, '')
      if (!value) return null
      return embedFigure(/^https?:/i.test(value) ? value : `https://twitter.com/i/status/${value}`)
    }
  }
  if (CODE_SHORTCODES.has(name)) {
    if (content === undefined) return null
    const language = named.language ?? named.lang ?? (name === 'code' || name === 'sourcecode' || name === 'source' ? '' : name)
    // The content is code: entities WordPress stored escaped stay escaped inside <pre>.
    // The content is raw code (`<?php`, `a < b`): escape the angle brackets so HTML parsing keeps it.
    const code = content.replace(/^\n/, '').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    return `<pre${language ? ` data-language="${escapeHtml(language)}"` : ''}>${code}</pre>`
  }
  return null
}

/** Replaces known shortcodes in `html`; unknown ones stay as text (and are noted). */
export function expandShortcodes(html: string, context: ConvertContext, depth = 0): string {
  if (!html.includes('[') || depth > 3) return html
  let output = ''
  let index = 0
  const open = /\[(\[?)([a-zA-Z_][\w-]*)(?![\w-])([^\]]*?)(\/?)\](\]?)/g
  for (let m = open.exec(html); m; m = open.exec(html)) {
    const [whole, escapeOpen, rawName, attributes, selfClosing, escapeClose] = m
    const name = rawName.toLowerCase()
    output += html.slice(index, m.index)
    index = m.index + whole.length
    if (escapeOpen && escapeClose) {
      // [[name]] → literal [name]
      output += whole.slice(1, -1)
      continue
    }
    let content: string | undefined
    if (!selfClosing && KNOWN.has(name)) {
      // Only known shortcodes consume their closing tag; unknown ones are left verbatim.
      const closing = html.toLowerCase().indexOf(`[/${name}]`, index)
      if (closing >= 0) {
        content = html.slice(index, closing)
        index = closing + name.length + 3
      }
    }
    if (!KNOWN.has(name)) {
      if (looksLikeShortcode(name, attributes, html, index)) context.note('unknown shortcode (kept as text)', `[${name}]`)
      output += whole
      open.lastIndex = m.index + whole.length
      continue
    }
    const rendered = render(name, attributes, content === undefined ? undefined : expandInner(name, content, context, depth), context)
    if (rendered === null) {
      context.note('unknown shortcode (kept as text)', `[${name}]`)
      output += content === undefined ? whole : `${whole}${content}[/${name}]`
    } else {
      output += rendered
    }
    open.lastIndex = index
  }
  return output + html.slice(index)
}

function expandInner(name: string, content: string, context: ConvertContext, depth: number): string {
  return CODE_SHORTCODES.has(name) ? content : expandShortcodes(content, context, depth + 1)
}

/** `[1]`, `[sic]`, `[…]` are ordinary text; a name with attributes or a closing tag is a shortcode. */
function looksLikeShortcode(name: string, attributes: string, html: string, after: number): boolean {
  if (/=/.test(attributes)) return true
  if (html.toLowerCase().includes(`[/${name}]`, after)) return true
  return /[_-]/.test(name)
}
