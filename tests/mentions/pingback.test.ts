/**
 * The Pingback XML-RPC endpoint, driven by the independent `xmlrpc` npm client over real HTTP,
 * storing in a real lake, verifying sources on real local "other blogs".
 */
import xmlrpc from 'xmlrpc'
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'
import {htmlPage, startMentionsStack, startOtherBlog, type MentionsStack, type OtherBlog} from './harness'

let stack: MentionsStack
let blog: OtherBlog
let target: string

type Fault = Error & {faultCode?: number; faultString?: string; res?: {statusCode: number}}

function call(method: string, params: unknown[], path = '/xmlrpc'): Promise<{value?: unknown; error?: Fault}> {
  const url = new URL(stack.siteUrl)
  const client = xmlrpc.createClient({host: url.hostname, port: Number(url.port), path})
  return new Promise((resolve) => {
    client.methodCall(method, params, (error: object | null, value: unknown) => resolve(error ? {error: error as Fault} : {value}))
  })
}

async function faultOf(method: string, params: unknown[]): Promise<number | undefined> {
  const {error} = await call(method, params)
  return error?.faultCode
}

async function postXml(body: string, contentType = 'text/xml'): Promise<{status: number; text: string}> {
  const response = await fetch(`${stack.siteUrl}/xmlrpc`, {method: 'POST', headers: {'content-type': contentType}, body})
  return {status: response.status, text: await response.text()}
}

const linkingPage = (href: string) =>
  htmlPage(
    'Linking post | Other Blog',
    `<article class="h-entry"><h1 class="p-name">A post that links <script>alert(1)</script></h1>
     <p>Some words before the link. I read <a href="${href}">this report</a> and some words after it.</p></article>`,
    '<meta property="og:site_name" content="Other Blog">',
  )

beforeAll(async () => {
  stack = await startMentionsStack({allowPrivateNetworks: true})
  target = `${stack.siteUrl}/posts/open`
  blog = await startOtherBlog({
    '/links': () => ({body: linkingPage(target)}),
    '/links-again': () => ({body: linkingPage(`${target}/#comments`)}),
    '/links-relative': () => ({body: htmlPage('Relative', `<base href="${stack.siteUrl}/"><a href="posts/open">rel</a>`)}),
    '/links-no-flag': () => ({body: linkingPage(`${stack.siteUrl}/posts/no-flag`)}),
    '/no-link': () => ({body: htmlPage('Nothing here', '<p>No links at all.</p>')}),
    '/image': () => ({headers: {'content-type': 'image/png'}, body: 'PNG'}),
    '/gone': () => ({status: 410, body: 'gone'}),
    '/broken': () => ({status: 503, body: 'down'}),
    '/to-metadata': () => ({status: 302, headers: {location: 'http://169.254.169.254/latest/meta-data/'}}),
    '/to-links': () => ({status: 301, headers: {location: '/links-redirected'}}),
    '/links-redirected': () => ({body: linkingPage(target)}),
    '/loop': () => ({status: 302, headers: {location: '/loop'}}),
  })
})

afterAll(async () => {
  await blog?.close()
  await stack?.close()
})

beforeEach(async () => {
  const {perClientLimiter, perSourceHostLimiter} = await import('@/lib/mentions/rate-limit')
  await perClientLimiter.reset()
  await perSourceHostLimiter.reset()
})

describe('pingback.ping', () => {
  it('registers a verified pingback as pending, with text-only title, site and excerpt', async () => {
    const source = `${blog.url}/links`
    const {value, error} = await call('pingback.ping', [source, target])
    expect(error).toBeUndefined()
    expect(String(value)).toContain('registered')

    const docs = await stack.client.fetch(`*[_type == "pingback" && sourceUrl == $source]`, {source})
    expect(docs).toHaveLength(1)
    const [doc] = docs
    expect(doc._id).toMatch(/^pingback\.[0-9a-f]{40}$/)
    expect(doc).toMatchObject({
      kind: 'pingback',
      status: 'pending',
      sourceTitle: 'A post that links',
      sourceSite: 'Other Blog',
      target: {_ref: 'post-open', _weak: true},
      targetUrl: target,
    })
    expect(doc.excerpt).toContain('I read this report and some words after it.')
    expect(doc.excerpt).not.toContain('<')
    expect(doc.receivedAt).toBeTruthy()
    expect(doc.verifiedAt).toBeTruthy()
  })

  it('the id is sha1(source + " " + target) as the data model says', async () => {
    const {mentionId} = await import('@/lib/mentions/store')
    const source = `${blog.url}/links`
    const doc = await stack.client.getDocument(mentionId(source, target))
    expect(doc?.sourceUrl).toBe(source)
  })

  it('a repeat of the same source and target is fault 48', async () => {
    expect(await faultOf('pingback.ping', [`${blog.url}/links`, target])).toBe(48)
  })

  it('follows redirects on the source (and resolves relative links against the final URL)', async () => {
    const {error} = await call('pingback.ping', [`${blog.url}/to-links`, target])
    expect(error).toBeUndefined()
    const {error: relError} = await call('pingback.ping', [`${blog.url}/links-relative`, target])
    expect(relError).toBeUndefined()
  })

  it('auto-approves when the site settings say so', async () => {
    await stack.client.patch('siteSettings').set({autoApprovePingbacks: true}).commit()
    try {
      const source = `${blog.url}/links-again`
      expect((await call('pingback.ping', [source, target])).error).toBeUndefined()
      const doc = await stack.client.fetch(`*[_type == "pingback" && sourceUrl == $source][0]`, {source})
      expect(doc.status).toBe('approved')
    } finally {
      await stack.client.patch('siteSettings').set({autoApprovePingbacks: false}).commit()
    }
  })

  it('fault 16: the source does not exist (410) or is not a URL', async () => {
    expect(await faultOf('pingback.ping', [`${blog.url}/gone`, target])).toBe(16)
    expect(await faultOf('pingback.ping', ['javascript:alert(1)', target])).toBe(16)
  })

  it('fault 17: the source does not link to the target, or is not a page', async () => {
    expect(await faultOf('pingback.ping', [`${blog.url}/no-link`, target])).toBe(17)
    expect(await faultOf('pingback.ping', [`${blog.url}/image`, target])).toBe(17)
  })

  it('fault 32: the target post does not exist', async () => {
    expect(await faultOf('pingback.ping', [`${blog.url}/links`, `${stack.siteUrl}/posts/no-such-post`])).toBe(32)
  })

  it('fault 33: the target cannot be used (other site, not a post, pings closed, future, draft)', async () => {
    for (const bad of [
      'http://example.com/posts/open',
      `${stack.siteUrl}/about`,
      `${stack.siteUrl}/posts/closed`,
      `${stack.siteUrl}/posts/future`,
      'not a url',
    ]) {
      expect(await faultOf('pingback.ping', [`${blog.url}/links`, bad]), bad).toBe(33)
    }
    // A post without a draft-free published version does not exist for readers.
    expect(await faultOf('pingback.ping', [`${blog.url}/links`, `${stack.siteUrl}/posts/draft-only`])).toBe(32)
  })

  it('a post without the pingsOpen flag accepts pings (default true)', async () => {
    expect((await call('pingback.ping', [`${blog.url}/links-no-flag`, `${stack.siteUrl}/posts/no-flag`])).error).toBeUndefined()
  })

  it('fault 50: the source server fails', async () => {
    expect(await faultOf('pingback.ping', [`${blog.url}/broken`, target])).toBe(50)
  })

  it('fault 49: rate limited per client after 10 pings a minute', async () => {
    const codes: (number | undefined)[] = []
    for (let i = 0; i < 11; i++) codes.push(await faultOf('pingback.ping', [`${blog.url}/no-link?${i}`, target]))
    expect(codes.slice(0, 10).every((c) => c === 17)).toBe(true)
    expect(codes[10]).toBe(49)
  })

  it('fault 0 when source and target are the same', async () => {
    expect(await faultOf('pingback.ping', [target, target])).toBe(0)
  })

  it('params must be exactly two strings', async () => {
    expect(await faultOf('pingback.ping', [`${blog.url}/links`])).toBe(-32602)
    expect(await faultOf('pingback.ping', [`${blog.url}/links`, 42])).toBe(-32602)
    expect(await faultOf('pingback.ping', [`${blog.url}/links`, {url: target}])).toBe(-32602)
  })

  it('refuses a redirect to a private (metadata) address even with private networks allowed', async () => {
    const {error} = await call('pingback.ping', [`${blog.url}/to-metadata`, target])
    expect(error?.faultCode).toBe(16)
    expect(error?.faultString).toMatch(/169\.254\.169\.254 is a linkLocal address/)
  })

  it('stops after 3 redirects', async () => {
    const {error} = await call('pingback.ping', [`${blog.url}/loop`, target])
    expect(error?.faultCode).toBe(50)
    expect(error?.faultString).toMatch(/redirects/)
  })
})

describe('other methods and the endpoint', () => {
  it('system.listMethods lists the pingback methods', async () => {
    const {value} = await call('system.listMethods', [])
    expect(value).toEqual(expect.arrayContaining(['pingback.ping', 'pingback.extensions.getPingbacks', 'system.listMethods']))
  })

  it('pingback.extensions.getPingbacks lists approved sources only', async () => {
    const {value: before} = await call('pingback.extensions.getPingbacks', [target])
    expect(before).toEqual([`${blog.url}/links-again`])
    const pending = await stack.client.fetch(`*[_type == "pingback" && sourceUrl == $s][0]._id`, {s: `${blog.url}/links`})
    await stack.client.patch(pending).set({status: 'approved'}).commit()
    const {value: after} = await call('pingback.extensions.getPingbacks', [target])
    expect(after).toEqual(expect.arrayContaining([`${blog.url}/links`, `${blog.url}/links-again`]))
    expect(await faultOf('pingback.extensions.getPingbacks', [`${stack.siteUrl}/posts/nope`])).toBe(32)
  })

  it('unknown methods are fault -32601', async () => {
    expect(await faultOf('wp.getUsersBlogs', [])).toBe(-32601)
  })

  it('/xmlrpc.php is the same endpoint', async () => {
    const {value} = await call('system.listMethods', [], '/xmlrpc.php')
    expect(value).toContain('pingback.ping')
  })

  it('malformed XML is a parse-error fault (HTTP 200), nothing stored', async () => {
    const count = await stack.client.fetch(`count(*[_type == "pingback"])`)
    const response = await postXml('<methodCall><methodName>pingback.ping</methodName><params>')
    expect(response.status).toBe(200)
    expect(response.text).toContain('<fault>')
    expect(response.text).toContain('<int>-32700</int>')
    expect(await stack.client.fetch(`count(*[_type == "pingback"])`)).toBe(count)
  })

  it('an entity bomb (DOCTYPE with entities) is refused without expansion', async () => {
    const bomb = `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<methodCall><methodName>pingback.ping</methodName><params><param><value><string>&lol4;</string></value></param><param><value><string>x</string></value></param></params></methodCall>`
    const started = Date.now()
    const response = await postXml(bomb)
    expect(Date.now() - started).toBeLessThan(2000)
    expect(response.status).toBe(200)
    expect(response.text).toContain('<int>-32700</int>')
    expect(response.text).toMatch(/DOCTYPE and ENTITY declarations are not allowed/)
  })

  it('an external entity is refused too', async () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><methodCall><methodName>pingback.extensions.getPingbacks</methodName><params><param><value><string>&xxe;</string></value></param></params></methodCall>`
    const response = await postXml(xxe)
    expect(response.text).not.toContain('root:')
    expect(response.text).toContain('<int>-32700</int>')
  })

  it('a 2 MB body is refused with 413 (and a fault body)', async () => {
    const huge = `<methodCall><methodName>pingback.ping</methodName><params><param><value><string>${'a'.repeat(2 * 1024 * 1024)}</string></value></param></params></methodCall>`
    const response = await postXml(huge)
    expect(response.status).toBe(413)
    expect(response.text).toContain('<fault>')
  })

  it('a 2 MB body without Content-Length (chunked) is refused with 413 too', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'a')
    let sent = 0
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 2 * 1024 * 1024) return controller.close()
        sent += chunk.length
        controller.enqueue(chunk)
      },
    })
    const response = await fetch(`${stack.siteUrl}/xmlrpc`, {
      method: 'POST',
      headers: {'content-type': 'text/xml'},
      body: stream,
      // @ts-expect-error Node's fetch needs this for streamed bodies.
      duplex: 'half',
    }).catch((error: Error) => ({status: 0, error}))
    // Either the 413 arrives, or the server cut the upload short; it never reads 2 MB.
    expect([0, 413]).toContain(response.status)
  })

  it('wrong method or content type are HTTP errors with a message', async () => {
    expect((await fetch(`${stack.siteUrl}/xmlrpc`)).status).toBe(405)
    expect((await postXml('<methodCall/>', 'application/json')).status).toBe(415)
  })

  it('escapes hostile text in faults', async () => {
    const response = await postXml('<methodCall><methodName>x&lt;y</methodName></methodCall>')
    expect(response.text).not.toContain('x<y')
  })
})
