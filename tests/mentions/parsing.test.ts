/** Pure helpers: XML-RPC round trips, endpoint discovery precedence, source summaries, URL rules. */
import {describe, expect, it} from 'vitest'
import {endpointFromResponse, parseLinkHeader} from '@/lib/mentions/discovery'
import type {SafeResponse} from '@/lib/mentions/safe-fetch'
import {stripSiteSuffix, summariseSource} from '@/lib/mentions/source-page'
import {normaliseUrl} from '@/lib/mentions/urls'
import {parseMethodCall, parseMethodResponse, serialiseFault, serialiseMethodCall, serialiseResponse} from '@/lib/mentions/xmlrpc'

function page(body: string, headers: Record<string, string> = {}, url = 'https://blog.example/a/post'): SafeResponse {
  return {url, status: 200, headers, body: Buffer.from(body), truncated: false, contentType: 'text/html', text: () => body}
}

describe('XML-RPC', () => {
  it('round-trips calls, responses and faults, escaping markup', () => {
    const xml = serialiseMethodCall('pingback.ping', ['https://a.example/?x=1&y=<2>', 'ünïcode ✓'])
    expect(parseMethodCall(xml)).toEqual({methodName: 'pingback.ping', params: ['https://a.example/?x=1&y=<2>', 'ünïcode ✓']})
    expect(parseMethodResponse(serialiseResponse(['a', 1, true]))).toEqual({ok: true, value: ['a', 1, true]})
    expect(parseMethodResponse(serialiseFault(17, 'no <link> & such'))).toEqual({ok: false, faultCode: 17, faultString: 'no <link> & such'})
  })

  it('decodes character references once (no double decoding) and untyped values as strings', () => {
    const call = parseMethodCall('<methodCall><methodName>m</methodName><params><param><value> &#60;&#x3E;&amp;#38; </value></param></params></methodCall>')
    expect(call.params).toEqual([' <>&#38; '])
  })

  it.each([
    ['HTML entities', '<methodCall><methodName>m</methodName><params><param><value>&nbsp;</value></param></params></methodCall>'],
    ['text beside elements', '<methodCall><methodName>m</methodName><params><param><value><string>a</string>b</value></param></params></methodCall>'],
    ['a wrong root', '<methodResponse/>'],
    ['unknown types', '<methodCall><methodName>m</methodName><params><param><value><blob>x</blob></value></param></params></methodCall>'],
    ['a DOCTYPE', '<!DOCTYPE methodCall><methodCall><methodName>m</methodName></methodCall>'],
  ])('rejects %s', (_name, xml) => {
    expect(() => parseMethodCall(xml)).toThrow(/Parse error/)
  })
})

describe('endpoint discovery', () => {
  it('prefers the HTTP Link header, resolving relative URLs against the page', () => {
    const found = endpointFromResponse(page('<link rel="webmention" href="/html-endpoint">', {link: '<../wm>; rel="webmention"'}))
    expect(found).toEqual({method: 'webmention', endpoint: 'https://blog.example/wm'})
  })

  it('takes the first <link>/<a rel=webmention> in document order, then pingback', () => {
    const html = '<a rel="me webmention" href="https://x.example/first">x</a><link rel="webmention" href="/second"><link rel="pingback" href="/xmlrpc">'
    expect(endpointFromResponse(page(html))).toEqual({method: 'webmention', endpoint: 'https://x.example/first'})
    expect(endpointFromResponse(page('<link rel="webmention" href="">'))).toEqual({method: 'webmention', endpoint: 'https://blog.example/a/post'})
    expect(endpointFromResponse(page('<link rel="pingback" href="/xmlrpc.php">'))).toEqual({method: 'pingback', endpoint: 'https://blog.example/xmlrpc.php'})
    expect(endpointFromResponse(page('<p/>', {'x-pingback': 'https://blog.example/xmlrpc'}))).toEqual({method: 'pingback', endpoint: 'https://blog.example/xmlrpc'})
    expect(endpointFromResponse(page('<p>nothing</p>'))).toBeNull()
  })

  it('parses Link headers with several links and quoted parameters', () => {
    expect(parseLinkHeader('<https://a/x>; rel=webmention, </y>; title="a, b"; rel="other webmention"')).toEqual([
      {url: 'https://a/x', rels: ['webmention']},
      {url: '/y', rels: ['other', 'webmention']},
    ])
  })
})

describe('source pages', () => {
  const target = new URL('https://site.example/posts/hello')

  it('finds the link (normalised), title, site name and an excerpt of about 200 chars', () => {
    const long = 'word '.repeat(100)
    const html = `<html><head><title>My post - Blog</title><meta property="og:site_name" content="Blog"></head>
      <body><p>${long} see <a href="https://SITE.example/posts/hello/#top">this</a> ${long}</p></body></html>`
    const summary = summariseSource(html, 'https://blog.example/p', target)
    expect(summary?.title).toBe('My post')
    expect(summary?.siteName).toBe('Blog')
    expect(summary?.excerpt).toContain('see this')
    expect(summary!.excerpt.length).toBeLessThanOrEqual(202)
  })

  it('ignores links inside scripts and returns null without a real link', () => {
    expect(summariseSource(`<script>var a = '<a href="${target.href}">'</script>`, 'https://blog.example/p', target)).toBeNull()
  })

  it('falls back to the host as site name', () => {
    const summary = summariseSource(`<title>T</title><a href="${target.href}">x</a>`, 'https://blog.example/p', target)
    expect(summary?.siteName).toBe('blog.example')
    expect(stripSiteSuffix('A | B', 'B')).toBe('A')
  })

  it('normalises URLs for comparison', () => {
    expect(normaliseUrl(new URL('HTTP://Site.Example:80/posts/x/#frag'))).toBe('http://site.example/posts/x')
  })
})
