/**
 * Reads a mention's source page: does it really link to the target, and what do we show for it
 * (title, site name, an excerpt around the link)? Only TEXT leaves this module — the stranger's
 * HTML is never stored or rendered.
 */
import * as cheerio from 'cheerio'
import {normaliseUrl, parseHttpUrl} from './urls'

export const MAX_TITLE_LENGTH = 200
export const MAX_SITE_LENGTH = 100
export const EXCERPT_LENGTH = 200

export interface SourceSummary {
  title: string
  siteName: string
  excerpt: string
}

/** Collapses whitespace, drops control characters, caps the length with an ellipsis. */
export function cleanText(text: string, max: number): string {
  const clean = text.replace(/[\u0000-\u001F\u007F\u200B-\u200F\u202A-\u202E\u2066-\u2069]/g, ' ').replace(/\s+/g, ' ').trim()
  return clean.length > max ? `${clean.slice(0, max - 1).trimEnd()}…` : clean
}

const BLOCK_SELECTOR = 'p, li, blockquote, dd, td, figcaption, h1, h2, h3, h4, h5, h6, article, section, div, body'

/**
 * Finds a link to `target` in the source HTML and summarises the page. Returns null when the page
 * does not link to the target. `sourceUrl` is the URL the page was finally fetched from (relative
 * links and `<base href>` resolve against it).
 */
export function summariseSource(html: string, sourceUrl: string, target: URL): SourceSummary | null {
  const $ = cheerio.load(html)
  $('script, style, noscript, template, iframe, object, svg').remove()
  const baseHref = $('base[href]').first().attr('href')
  const base = (baseHref && parseHttpUrl(baseHref, sourceUrl)) || new URL(sourceUrl)
  const wanted = normaliseUrl(target)

  const link = $('a[href]')
    .filter((_, a) => {
      const href = parseHttpUrl($(a).attr('href'), base)
      return href !== null && normaliseUrl(href) === wanted
    })
    .first()
  if (link.length === 0) return null

  const siteName = cleanText($('meta[property="og:site_name"]').attr('content') ?? '', MAX_SITE_LENGTH) || new URL(sourceUrl).hostname
  const hEntryName = $('.h-entry .p-name').first().text()
  const rawTitle =
    cleanText(hEntryName, MAX_TITLE_LENGTH) ||
    cleanText($('head > title, title').first().text(), MAX_TITLE_LENGTH) ||
    cleanText($('meta[property="og:title"]').attr('content') ?? '', MAX_TITLE_LENGTH) ||
    sourceUrl.slice(0, MAX_TITLE_LENGTH)
  return {title: stripSiteSuffix(rawTitle, siteName), siteName, excerpt: excerptAround(link)}
}

/** "Post title | Site" → "Post title" when the site name is shown separately anyway. */
export function stripSiteSuffix(title: string, siteName: string): string {
  for (const separator of [' | ', ' - ', ' – ', ' — ', ' · ', ' :: ']) {
    const suffix = `${separator}${siteName}`
    if (siteName && title.toLowerCase().endsWith(suffix.toLowerCase()) && title.length > suffix.length) {
      return title.slice(0, -suffix.length).trim()
    }
  }
  return title
}

/** About EXCERPT_LENGTH characters of the text around the link, centred on the link text. */
function excerptAround(link: ReturnType<cheerio.CheerioAPI>): string {
  const block = link.closest(BLOCK_SELECTOR)
  const context = cleanText((block.length ? block : link).text(), 10_000)
  const anchor = cleanText(link.text(), 10_000)
  if (context.length <= EXCERPT_LENGTH) return context
  const at = Math.max(0, context.indexOf(anchor))
  const start = Math.max(0, Math.min(at + Math.floor(anchor.length / 2) - EXCERPT_LENGTH / 2, context.length - EXCERPT_LENGTH))
  const piece = context.slice(start, start + EXCERPT_LENGTH).trim()
  return `${start > 0 ? '…' : ''}${piece}${start + EXCERPT_LENGTH < context.length ? '…' : ''}`
}

/** Plain-text sources: the target URL must appear literally; the excerpt is the text around it. */
export function summarisePlainText(text: string, sourceUrl: string, target: URL): SourceSummary | null {
  const candidates = [target.href, normaliseUrl(target)]
  const at = candidates.map((c) => text.indexOf(c)).find((i) => i >= 0)
  if (at === undefined) return null
  const start = Math.max(0, at - EXCERPT_LENGTH / 2)
  const host = new URL(sourceUrl).hostname
  const firstLine = cleanText(text.split('\n', 1)[0] ?? '', MAX_TITLE_LENGTH)
  return {
    title: firstLine || sourceUrl.slice(0, MAX_TITLE_LENGTH),
    siteName: host,
    excerpt: cleanText(text.slice(start, start + EXCERPT_LENGTH), EXCERPT_LENGTH + 1),
  }
}
