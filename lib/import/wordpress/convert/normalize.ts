/**
 * Rewrites a post's HTML document (in place) into the shapes `@portabletext/html` maps faithfully
 * onto the site's body schema. The library does paragraphs, headings, lists, marks and links well;
 * what it cannot know about — WordPress figures, captions, embeds, code languages, tables,
 * separators, citations — becomes either plain HTML it handles or a
 * placeholder `<div data-pt="{json}">` carrying a finished Portable Text object, hoisted to the top
 * level (a body object cannot sit inside a paragraph or list item).
 *
 * Nothing visible is dropped: unknown elements keep their text, form controls keep their labels,
 * table cells keep their text (as plain text), and scripts/styles (never visible) are the only removals.
 */
import type {ConvertContext} from './context'
import {EMBED_ATTRIBUTE} from './shortcodes'

export const PLACEHOLDER_ATTRIBUTE = 'data-pt'

/**
 * The file block puts its download button right after the file's name ("Wind Farm""Download"):
 * styled apart on WordPress, one glued word as text unless separated. Runs before the text check.
 */
export function separateButtons(document: Document): void {
  for (const el of Array.from(document.querySelectorAll('.wp-block-file__button,.wp-element-button'))) {
    const before = el.previousSibling
    if (before && !/\s$/.test(before.textContent ?? '')) el.parentNode?.insertBefore(document.createTextNode(' '), el)
  }
}

/** An image before its asset is resolved: the write stage turns it into an `image` or an `embed`. */
export interface PendingImage {
  _type: 'wpImage'
  src: string
  alt: string
  caption: string
  attachmentId?: string
}


type El = Element

function children(el: El): El[] {
  return Array.from(el.children)
}

function all(root: Document | El, selector: string): El[] {
  return Array.from(root.querySelectorAll(selector))
}

function textOf(el: El | null | undefined): string {
  return (el?.textContent ?? '').replace(/\s+/g, ' ').trim()
}

/** Text as a reader sees it: line-breaking elements (`<br>`, paragraphs, list items) separate words. */
function readableText(el: El): string {
  const parts: string[] = []
  const walk = (node: Node) => {
    if (node.nodeType === 3) parts.push(node.textContent ?? '')
    else if (node.nodeType === 1) {
      const tag = (node as El).tagName.toLowerCase()
      if (tag === 'script' || tag === 'style' || tag === 'template' || tag === 'noscript') return
      const breaking = !INLINE.has(tag)
      if (breaking) parts.push(' ')
      if (tag === 'img') parts.push((node as El).getAttribute('alt') ?? '')
      for (const child of Array.from(node.childNodes)) walk(child)
      if (breaking) parts.push(' ')
    }
  }
  walk(el)
  return parts.join('').replace(/\s+/g, ' ').trim()
}

const INLINE = new Set(['a', 'abbr', 'b', 'bdi', 'bdo', 'cite', 'code', 'data', 'del', 'dfn', 'em', 'font', 'i', 'ins', 'kbd', 'mark', 'q', 's', 'samp', 'small', 'span', 'strike', 'strong', 'sub', 'sup', 'time', 'tt', 'u', 'var'])

/**
 * A `<table>` → the body's `table` object: one row per `<tr>` of this table (not of tables nested
 * in its cells, whose text stays in the cell), cells as plain text, `headerRow` when the table has
 * a `<thead>` (the block editor's "header section") or its first row is all `<th>` (classic tables).
 * The caption is the `<caption>`, else the block editor's `<figcaption>` of the table's figure.
 */
function tableObject(table: El): Record<string, unknown> {
  const own = all(table, 'tr').filter((tr) => tr.closest('table') === table)
  const head = own.filter((tr) => tr.parentElement?.tagName.toLowerCase() === 'thead')
  const foot = own.filter((tr) => tr.parentElement?.tagName.toLowerCase() === 'tfoot')
  const ordered = [...head, ...own.filter((tr) => !head.includes(tr) && !foot.includes(tr)), ...foot]
  const rows = ordered
    .map((tr) => children(tr).filter((c) => /^t[dh]$/i.test(c.tagName)))
    .filter((cells) => cells.length > 0)
  const headerRow = head.length > 0 || (rows.length > 1 && rows[0].every((c) => c.tagName.toLowerCase() === 'th'))
  let caption = readableText(children(table).find((c) => c.tagName.toLowerCase() === 'caption') ?? table.ownerDocument.createElement('span'))
  const figure = table.parentElement?.tagName.toLowerCase() === 'figure' ? table.parentElement : null
  const figcaption = figure && all(figure, 'table').every((t) => t === table || table.contains(t)) ? children(figure).find((c) => c.tagName.toLowerCase() === 'figcaption') : undefined
  if (figcaption) {
    caption = [caption, readableText(figcaption)].filter(Boolean).join(' — ')
    figcaption.remove()
  }
  return {
    _type: 'table',
    ...(caption ? {caption} : {}),
    headerRow,
    rows: rows.map((cells, i) => ({_type: 'tableRow', _key: `r${i.toString(36)}`, cells: cells.map(readableText)})),
  }
}

function placeholder(document: Document, value: Record<string, unknown>): El {
  const div = document.createElement('div')
  div.setAttribute(PLACEHOLDER_ATTRIBUTE, JSON.stringify(value))
  return div
}

function replaceWith(el: El, ...nodes: Node[]) {
  const parent = el.parentNode
  if (!parent) return
  for (const node of nodes) parent.insertBefore(node, el)
  parent.removeChild(el)
}

function unwrap(el: El) {
  replaceWith(el, ...Array.from(el.childNodes))
}

function rename(document: Document, el: El, tag: string): El {
  const replacement = document.createElement(tag)
  for (const node of Array.from(el.childNodes)) replacement.appendChild(node)
  replaceWith(el, replacement)
  return replacement
}

/** `https://www.youtube.com/embed/ID?…` → the watch URL readers can open. */
export function embedUrl(src: string): string {
  const youtube = /^(?:https?:)?\/\/(?:www\.)?youtube(?:-nocookie)?\.com\/embed\/([\w-]{6,})/i.exec(src)
  if (youtube) return `https://www.youtube.com/watch?v=${youtube[1]}`
  const vimeo = /^(?:https?:)?\/\/player\.vimeo\.com\/video\/(\d+)/i.exec(src)
  if (vimeo) return `https://vimeo.com/${vimeo[1]}`
  return src.startsWith('//') ? `https:${src}` : src
}

function codeLanguage(pre: El): string {
  const code = pre.querySelector('code')
  const explicit = pre.getAttribute('data-language') ?? pre.getAttribute('lang') ?? code?.getAttribute('lang')
  if (explicit) return explicit.trim().slice(0, 40)
  const classes = `${pre.getAttribute('class') ?? ''} ${code?.getAttribute('class') ?? ''}`
  const match = /(?:^|\s)(?:language|lang)-([\w+#-]+)/.exec(classes) ?? /brush:\s*([\w+#-]+)/.exec(classes)
  return match ? match[1].slice(0, 40) : ''
}

function imageSource(img: El): string {
  const src = img.getAttribute('src') ?? ''
  const lazy = img.getAttribute('data-src') ?? img.getAttribute('data-lazy-src') ?? img.getAttribute('data-orig-file')
  return (!src || src.startsWith('data:')) && lazy ? lazy : src
}

function isSafeHref(href: string): boolean {
  const value = href.trim()
  if (/^(https?:|mailto:)/i.test(value)) return true
  if (/^[a-z][a-z0-9+.-]*:/i.test(value)) return false
  return true // relative: /path, #anchor, ?query, page.html
}

/** Moves `node` up to be a child of `body`, splitting each ancestor around it (order is kept). */
function hoist(body: El, node: El) {
  while (node.parentNode && node.parentNode !== body) {
    const parent = node.parentNode as El
    const after = parent.cloneNode(false) as El
    while (node.nextSibling) after.appendChild(node.nextSibling)
    parent.parentNode?.insertBefore(node, parent.nextSibling)
    node.parentNode?.insertBefore(after, node.nextSibling)
    if (isEmpty(parent)) parent.parentNode?.removeChild(parent)
    if (isEmpty(after)) after.parentNode?.removeChild(after)
  }
}

function isEmpty(el: El): boolean {
  return textOf(el) === '' && !el.querySelector(`[${PLACEHOLDER_ATTRIBUTE}],img,iframe,video,audio,embed,object,hr`)
}

const BLOCKISH = new Set(['p', 'div', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'pre', 'figure', 'section', 'article', 'aside', 'header', 'footer', 'blockquote', 'dl', 'dd', 'dt', 'table'])

/** Splits a `<blockquote>` into one quote block per paragraph; `<cite>`/`<footer>` becomes "— citation". */
function splitBlockquote(document: Document, quote: El) {
  // A closing citation inside the last paragraph (`<p>…<cite>Name</cite></p>`) is the quote's citation.
  const last = quote.lastElementChild
  const cite = last && last.tagName.toLowerCase() !== 'cite' ? last.lastElementChild : null
  if (cite && cite.tagName.toLowerCase() === 'cite' && !(cite.nextSibling?.textContent ?? '').trim()) {
    quote.appendChild(cite)
  }
  const pieces: El[] = []
  let current: El | null = null
  const fresh = () => {
    current = document.createElement('blockquote')
    pieces.push(current)
    return current
  }
  for (const node of Array.from(quote.childNodes)) {
    const tag = node.nodeType === 1 ? (node as El).tagName.toLowerCase() : ''
    if (tag === 'cite' || tag === 'footer') {
      const cite = fresh()
      const text = textOf(node as El)
      if (text) {
        cite.appendChild(document.createTextNode(/^[—–-]/.test(text) ? '' : '— '))
        for (const child of Array.from(node.childNodes)) cite.appendChild(child)
      }
      current = null
    } else if (tag === 'ul' || tag === 'ol') {
      for (const li of children(node as El)) {
        const item = fresh()
        item.appendChild(document.createTextNode('• '))
        for (const child of Array.from(li.childNodes)) item.appendChild(child)
      }
      current = null
    } else if (tag && (BLOCKISH.has(tag) || node.nodeType === 1 && (node as El).hasAttribute(PLACEHOLDER_ATTRIBUTE))) {
      if ((node as El).hasAttribute?.(PLACEHOLDER_ATTRIBUTE)) {
        pieces.push(node as El)
        current = null
        continue
      }
      const piece = fresh()
      for (const child of Array.from(node.childNodes)) piece.appendChild(child)
      current = null
    } else {
      if (node.nodeType === 3 && !(node.textContent ?? '').trim() && current === null) continue
      ;(current ?? fresh()).appendChild(node)
    }
  }
  const kept = pieces.filter((p) => p.hasAttribute(PLACEHOLDER_ATTRIBUTE) || textOf(p) !== '')
  replaceWith(quote, ...kept)
}

const CONTAINERS = `div:not([${PLACEHOLDER_ATTRIBUTE}]),section,article,aside,header,footer,nav,main,address,center`

function isBlockNode(node: Node): boolean {
  if (node.nodeType !== 1) return false
  const el = node as El
  return BLOCKISH.has(el.tagName.toLowerCase()) || el.hasAttribute(PLACEHOLDER_ATTRIBUTE) || /^(section|article|aside|header|footer|nav|main|address|center)$/i.test(el.tagName)
}

/**
 * A layout container (`<div>` and friends) becomes paragraphs: each run of inline content in it
 * one `<p>`, block children kept as they are. Without this, two sibling `<div>`s ("Rounded",
 * "Outline" buttons) would run together into one word.
 */
function blockify(document: Document, el: El) {
  const out: Node[] = []
  let run: El | null = null
  for (const node of Array.from(el.childNodes)) {
    if (isBlockNode(node)) {
      run = null
      out.push(node)
    } else {
      if (!run) {
        if (node.nodeType === 3 && !(node.textContent ?? '').trim()) continue
        run = document.createElement('p')
        out.push(run)
      }
      run.appendChild(node)
    }
  }
  replaceWith(el, ...out)
}

export function normalizeDocument(document: Document, context: ConvertContext): void {
  const body = document.body

  for (const el of all(document, 'script,style,template,noscript,link,meta')) el.parentNode?.removeChild(el)

  // Form controls: keep what a reader could read (button labels, textarea text, select's chosen text).
  for (const el of all(document, 'input,select,textarea,button')) {
    const text = el.tagName.toLowerCase() === 'input' ? (el.getAttribute('value') ?? el.getAttribute('placeholder') ?? '') : textOf(el)
    context.note('form control (label text kept)', el.tagName.toLowerCase())
    replaceWith(el, document.createTextNode(text ? ` ${text} ` : ' '))
  }

  for (const el of all(document, 'h1')) rename(document, el, 'h2')
  for (const el of all(document, 'h5,h6')) rename(document, el, 'h4')

  for (const pre of all(document, 'pre')) {
    // The block editor saves line breaks in preformatted/verse blocks as <br>.
    for (const br of all(pre, 'br')) replaceWith(br, document.createTextNode('\n'))
    const code = (pre.textContent ?? '').replace(/^\n/, '').replace(/\s+$/, '')
    if (!code) {
      pre.parentNode?.removeChild(pre)
      continue
    }
    const language = codeLanguage(pre)
    replaceWith(pre, placeholder(document, {_type: 'codeBlock', code, ...(language ? {language} : {})}))
  }

  for (const table of all(document, 'table')) {
    if (!table.parentNode) continue // inside a table already converted: its text is in that table's cell
    replaceWith(table, placeholder(document, tableObject(table)))
  }

  // Embeds: our shortcode/block figures, iframes, media elements, legacy <embed>/<object>.
  for (const el of all(document, `[${EMBED_ATTRIBUTE}]`)) {
    const url = el.getAttribute(EMBED_ATTRIBUTE) ?? ''
    const caption = textOf(el.querySelector('figcaption'))
    replaceWith(el, placeholder(document, {_type: 'embed', url: embedUrl(url), ...(caption ? {caption} : {})}))
  }
  for (const el of all(document, 'iframe,video,audio,embed,object')) {
    if (!el.parentNode) continue
    const src =
      el.getAttribute('src') ?? el.getAttribute('data') ?? el.querySelector('source[src]')?.getAttribute('src') ?? el.querySelector('param[name=movie]')?.getAttribute('value') ?? ''
    const fallback = textOf(el)
    if (!src) {
      if (fallback) unwrap(el)
      else el.parentNode.removeChild(el)
      continue
    }
    const figure = el.closest('figure')
    const caption = textOf(figure?.querySelector('figcaption')) || el.getAttribute('title') || ''
    figure?.querySelector('figcaption')?.remove()
    replaceWith(el, placeholder(document, {_type: 'embed', url: embedUrl(src), ...(caption ? {caption} : {})}))
  }

  for (const img of all(document, 'img')) {
    const src = imageSource(img)
    const attachmentId = /wp-image-(\d+)/.exec(img.getAttribute('class') ?? '')?.[1]
    const figure = img.closest('figure')
    const figcaption = figure && figure.querySelectorAll('img').length === 1 ? figure.querySelector('figcaption') : null
    const caption = textOf(figcaption)
    figcaption?.remove()
    if (!src) {
      const alt = img.getAttribute('alt') ?? ''
      replaceWith(img, document.createTextNode(alt))
      continue
    }
    const image: PendingImage = {_type: 'wpImage', src, alt: (img.getAttribute('alt') ?? '').trim(), caption, ...(attachmentId ? {attachmentId} : {})}
    const link = img.parentElement?.tagName.toLowerCase() === 'a' && textOf(img.parentElement) === '' ? img.parentElement : null
    const node = placeholder(document, image as unknown as Record<string, unknown>)
    replaceWith(link && link.children.length === 1 ? link : img, node)
  }

  for (const hr of all(document, 'hr')) {
    replaceWith(hr, placeholder(document, {_type: 'separator', style: 'line'}))
  }

  // Quotes, innermost first, so nested quotes flatten into one run of quote blocks.
  for (const quote of all(document, 'blockquote').reverse()) splitBlockquote(document, quote)

  for (const el of all(document, 'dt,summary')) {
    const p = rename(document, el, 'p')
    const strong = document.createElement('strong')
    for (const child of Array.from(p.childNodes)) strong.appendChild(child)
    p.appendChild(strong)
  }
  for (const el of all(document, 'dd')) rename(document, el, 'p')
  for (const el of all(document, 'figcaption')) rename(document, el, 'p')
  for (const el of all(document, 'dl,details,figure')) unwrap(el)
  for (const el of all(document, CONTAINERS).reverse()) blockify(document, el)

  for (const a of all(document, 'a[href]')) {
    const href = a.getAttribute('href') ?? ''
    if (!isSafeHref(href)) {
      context.note('unsafe link removed (text kept)', href.split(':')[0].toLowerCase())
      unwrap(a)
      continue
    }
    const rewritten = context.rewriteHref?.(href)
    if (rewritten && rewritten !== href) a.setAttribute('href', rewritten)
  }

  for (const node of all(document, `[${PLACEHOLDER_ATTRIBUTE}]`)) hoist(body, node)
}
