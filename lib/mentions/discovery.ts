/**
 * Finding where to send a mention for a link in one of our posts.
 * Webmention first (https://www.w3.org/TR/webmention/#sender-discovers-receiver-webmention-endpoint):
 * HTTP `Link` header with rel="webmention", then the first `<link>`/`<a>` element with
 * rel="webmention" in document order; relative URLs resolve against the (final) page URL; an empty
 * href means the page itself. Then Pingback (X-Pingback header, then `<link rel="pingback">`).
 */
import * as cheerio from 'cheerio'
import {isTextualContentType, safeFetch, type SafeResponse} from './safe-fetch'
import {parseHttpUrl} from './urls'

export type Endpoint = {method: 'webmention'; endpoint: string} | {method: 'pingback'; endpoint: string}

/** Parses an HTTP Link header into (url, rels) pairs. Handles quoted params and commas in <…>. */
export function parseLinkHeader(header: string): {url: string; rels: string[]}[] {
  const links: {url: string; rels: string[]}[] = []
  const pattern = /<([^>]*)>((?:\s*;\s*[^;,"=]+(?:\s*=\s*(?:"[^"]*"|[^;,"]*))?)*)/g
  for (const match of header.matchAll(pattern)) {
    const params = match[2]
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^;,\s]+))/i.exec(params)
    const rels = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/).filter(Boolean)
    links.push({url: match[1].trim(), rels})
  }
  return links
}

function headerValues(value: string | string[] | undefined): string[] {
  if (value === undefined) return []
  return Array.isArray(value) ? value : [value]
}

function hasRel(rel: string | undefined, wanted: string): boolean {
  return (rel ?? '').toLowerCase().split(/\s+/).includes(wanted)
}

/** Discovers the endpoints a fetched page advertises; webmention wins over pingback. */
export function endpointFromResponse(response: SafeResponse): Endpoint | null {
  const base = response.url
  for (const value of headerValues(response.headers.link)) {
    const link = parseLinkHeader(value).find((l) => l.rels.includes('webmention'))
    if (link) {
      const url = parseHttpUrl(link.url, base)
      if (url) return {method: 'webmention', endpoint: url.href}
    }
  }
  const html = isTextualContentType(response.contentType) ? response.text() : ''
  const $ = html ? cheerio.load(html) : null
  if ($) {
    const element = $('link[href], a[href]')
      .filter((_, el) => hasRel($(el).attr('rel'), 'webmention'))
      .first()
    if (element.length) {
      const url = parseHttpUrl(element.attr('href') ?? '', base) ?? (element.attr('href') === '' ? new URL(base) : null)
      if (url) return {method: 'webmention', endpoint: url.href}
    }
  }
  const xPingback = headerValues(response.headers['x-pingback'])[0]
  const fromHeader = xPingback ? parseHttpUrl(xPingback) : null
  if (fromHeader) return {method: 'pingback', endpoint: fromHeader.href}
  if ($) {
    const link = $('link[href]')
      .filter((_, el) => hasRel($(el).attr('rel'), 'pingback'))
      .first()
    const url = link.length ? parseHttpUrl(link.attr('href'), base) : null
    if (url) return {method: 'pingback', endpoint: url.href}
  }
  return null
}

/** Fetches `target` (safely) and discovers its endpoint; null when it advertises none. */
export async function discoverEndpoint(target: string): Promise<Endpoint | null> {
  const response = await safeFetch(target)
  if (response.status >= 400) return null
  return endpointFromResponse(response)
}
