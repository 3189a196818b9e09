/**
 * #18 findings 2 and 8: nothing a stranger sends makes the site fetch a loopback or private
 * address, whatever its spelling, through any of its outbound fetchers: the image optimizer,
 * pingback and Webmention verification, and outgoing mention discovery. A decoy server on
 * loopback counts every request that reaches it; it must count none.
 */
import crypto from 'node:crypto'
import http from 'node:http'
import type {AddressInfo} from 'node:net'
import sharp from 'sharp'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {editorClient, posts, send, type PostRef} from './helpers'
import {publicUrl, stack} from './http'

let decoy: http.Server
let decoyPort = 0
let hits: string[] = []
let target: PostRef

beforeAll(async () => {
  decoy = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`)
    res.writeHead(200, {'content-type': 'text/html'})
    res.end(`<html><body><a href="${publicUrl(`/posts/${target?.slug}`)}">link</a></body></html>`)
  })
  await new Promise<void>((resolve) => decoy.listen(0, '::', resolve))
  decoyPort = (decoy.address() as AddressInfo).port
  ;[target] = await posts()
})
afterAll(() => new Promise<void>((resolve) => decoy.close(() => resolve())))

const settle = (ms = 2_500) => new Promise((resolve) => setTimeout(resolve, ms))

/** Every way to write "this machine" (and its private neighbours) in a URL host. */
const spellings = () => [
  `127.0.0.1:${decoyPort}`,
  `localhost:${decoyPort}`,
  `127.1:${decoyPort}`,
  `2130706433:${decoyPort}`,
  `0x7f000001:${decoyPort}`,
  `0177.0.0.1:${decoyPort}`,
  `0.0.0.0:${decoyPort}`,
  `[::1]:${decoyPort}`,
  `[::]:${decoyPort}`,
  `[::127.0.0.1]:${decoyPort}`,
  `[::7f00:1]:${decoyPort}`,
  `[::ffff:127.0.0.1]:${decoyPort}`,
  `[::ffff:7f00:1]:${decoyPort}`,
  `[0:0:0:0:0:ffff:127.0.0.1]:${decoyPort}`,
  `[::ffff:0:127.0.0.1]:${decoyPort}`,
  `[64:ff9b::127.0.0.1]:${decoyPort}`,
  `[64:ff9b:1::7f00:1]:${decoyPort}`,
  `[2002:7f00:1::]:${decoyPort}`,
  `[2001:0:4136:e378:8000:63bf:80ff:fffe]:${decoyPort}`,
  `[::ffff:169.254.169.254]:${decoyPort}`,
  `[::ffff:10.0.0.1]:${decoyPort}`,
]

/** IPv6 spellings that embed a loopback or private IPv4 address: the check must say so, not fail to connect. */
const EMBEDDED_IPV4 = /^\[(::127|::7f00|::ffff|0:0:0:0:0:ffff|64:ff9b|2002:|2001:0:)/

const pingback = (source: string, targetUrl: string) =>
  `<?xml version="1.0"?><methodCall><methodName>pingback.ping</methodName><params>` +
  `<param><value><string>${source}</string></value></param><param><value><string>${targetUrl}</string></value></param>` +
  `</params></methodCall>`

let client = 0
const nextClient = () => `127.0.3.${1 + (client++ % 250)}`

describe('image optimizer (/_next/image)', () => {
  it('never fetches a URL a visitor names: any loopback port, path or redirect', async () => {
    hits = []
    for (const host of [`127.0.0.1:${decoyPort}`, `localhost:${decoyPort}`, `[::1]:${decoyPort}`]) {
      for (const url of [`http://${host}/probe.png`, `http://${host}/images/x.png`]) {
        const answer = await send(`/_next/image?url=${encodeURIComponent(url)}&w=64&q=75`)
        expect(answer.status, url).toBeGreaterThanOrEqual(400)
        expect(answer.status, url).toBeLessThan(500)
      }
    }
    // Not even the site's own path: the optimizer is off.
    expect((await send(`/_next/image?url=${encodeURIComponent('/images/x.png')}&w=64&q=75`)).status).toBe(404)
    await settle(500)
    expect(hits).toEqual([])
  })

  it('post images are served by the image pipeline under the site, resized per width, without the optimizer', async () => {
    const png = await sharp({create: {width: 320, height: 200, channels: 3, background: '#c03'}}).png().toBuffer()
    const asset = await editorClient().assets.upload('image', png, {filename: 'cover.png'})
    const post = (await posts())[2]
    await editorClient()
      .patch(post._id)
      .set({coverImage: {_type: 'image', alt: 'A red cover', asset: {_type: 'reference', _ref: asset._id}}})
      .commit()
    await settle(1_500)
    const html = (await send(`/posts/${post.slug}`)).text
    const img = /<img[^>]*alt="A red cover"[^>]*>/.exec(html)?.[0] ?? ''
    expect(img, 'the cover image').not.toBe('')
    expect(img).not.toContain('/_next/image')
    const attribute = (name: string) => (new RegExp(` ${name}="([^"]+)"`).exec(img)?.[1] ?? '').replaceAll('&amp;', '&')
    const candidates = [attribute('src'), ...attribute('srcset').split(',')]
      .map((entry) => entry.trim().split(/\s+/)[0])
      .filter(Boolean)
      .map((entry) => new URL(entry, stack().publicSiteUrl))
    expect(candidates.length).toBeGreaterThan(0)
    for (const url of candidates.slice(0, 3)) {
      expect(url.pathname).toMatch(/^\/images\//)
      expect(Number(url.searchParams.get('w'))).toBeGreaterThan(0)
      const image = await send(url.pathname + url.search)
      expect(image.status, url.href).toBe(200)
      expect(String(image.headers['content-type'])).toMatch(/^image\//)
    }
  })
})

describe('pingback verification (XML-RPC)', () => {
  it('refuses every spelling of a loopback or private source before connecting', async () => {
    hits = []
    for (const host of spellings()) {
      const source = `http://${host}/${crypto.randomUUID()}`
      const answer = await send('/xmlrpc', {from: nextClient(), headers: {'content-type': 'text/xml'}, body: pingback(source, publicUrl(`/posts/${target.slug}`))})
      expect(answer.status, host).toBe(200)
      expect(answer.text, host).toContain('<name>faultCode</name>')
      if (EMBEDDED_IPV4.test(host)) expect(answer.text, host).toMatch(/loopback|private|linkLocal|unspecified|reserved/)
    }
    await settle(500)
    expect(hits).toEqual([])
  })
})

describe('Webmention verification', () => {
  it('never fetches a loopback or private source, however it is spelled', async () => {
    hits = []
    for (const host of spellings()) {
      const answer = await send('/webmention', {
        from: nextClient(),
        headers: {'content-type': 'application/x-www-form-urlencoded'},
        body: new URLSearchParams({source: `http://${host}/${crypto.randomUUID()}`, target: publicUrl(`/posts/${target.slug}`)}).toString(),
      })
      // 429 is fine too: several spellings are one source host (127.0.0.1) for the per-host limit.
      expect([202, 400, 429], host).toContain(answer.status)
    }
    await settle()
    expect(hits).toEqual([])
  })
})

describe('outgoing mentions', () => {
  it('a published post linking to loopback spellings makes the site fetch none of them', async () => {
    hits = []
    const id = `security-ssrf-${crypto.randomUUID().slice(0, 8)}`
    const links = spellings().map((host, i) => ({
      _type: 'block',
      _key: `b${i}`,
      style: 'normal',
      markDefs: [{_type: 'link', _key: `l${i}`, href: `http://${host}/outgoing-${i}`}],
      children: [{_type: 'span', _key: `s${i}`, text: `link ${i}`, marks: [`l${i}`]}],
    }))
    await editorClient().create({
      _id: id,
      _type: 'post',
      title: 'Links to this machine',
      slug: {_type: 'slug', current: id},
      publishedAt: new Date().toISOString(),
      body: links,
    })
    await settle(4_000)
    expect(hits).toEqual([])
    await editorClient().delete(id)
  })
})
