/**
 * The Pingbacks section as readers see it: approved mentions only, WordPress style, hostile text
 * escaped, nothing but the discovery links when there is nothing to show.
 */
import {renderToStaticMarkup} from 'react-dom/server'
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest'
import {startMentionsStack, type MentionsStack} from './harness'

// `server-only` throws outside React's server build; the component is rendered on the server here too.
vi.mock('server-only', () => ({}))

let stack: MentionsStack

beforeAll(async () => {
  stack = await startMentionsStack({allowPrivateNetworks: true})
})
afterAll(async () => {
  await stack?.close()
})

async function render(postId: string): Promise<string> {
  const {PingbackSection} = await import('@/components/pingbacks/PingbackSection')
  return renderToStaticMarkup(await PingbackSection({postId, locale: 'en'}))
}

function mention(id: string, fields: Record<string, unknown>) {
  return {
    _id: `pingback.${id}`,
    _type: 'pingback',
    kind: 'pingback',
    status: 'approved',
    sourceUrl: `https://elsewhere.example/${id}`,
    sourceTitle: `Title ${id}`,
    sourceSite: 'Elsewhere',
    target: {_type: 'reference', _ref: 'post-open', _weak: true},
    receivedAt: '2024-06-01T00:00:00.000Z',
    ...fields,
  }
}

describe('PingbackSection', () => {
  it('renders only the discovery links when the post has no approved mentions', async () => {
    await stack.client.create(mention('pending1', {status: 'pending'}))
    await stack.client.create(mention('spam1', {status: 'spam'}))
    const html = await render('post-open')
    expect(html).not.toContain('<section')
    expect(html).toContain(`<link rel="pingback" href="${stack.siteUrl}/xmlrpc"/>`)
    expect(html).toContain(`<link rel="webmention" href="${stack.siteUrl}/webmention"/>`)
  })

  it('shows approved mentions oldest first: title link, then site, kind when mixed, and date; hostile text escaped (#16.12)', async () => {
    await stack.client.create(mention('a', {kind: 'internal', sourceTitle: '09.09.18: Confessed and Convicted', sourceSite: 'In Venezuela', sourceUrl: `${stack.siteUrl}/posts/other`, receivedAt: '2024-01-01T00:00:00.000Z'}))
    await stack.client.create(mention('b', {kind: 'webmention', sourceTitle: '<script>alert(1)</script>', receivedAt: '2024-02-01T00:00:00.000Z'}))
    await stack.client.create(mention('c', {sourceUrl: 'javascript:alert(1)'}))
    const html = await render('post-open')
    expect(html).toContain('<section aria-labelledby="pingbacks-heading"')
    // Pingbacks and a Webmention together: one "Mentions" heading, the kind on each entry.
    expect(html).toMatch(/<h2 id="pingbacks-heading"[^>]*>Mentions<\/h2>/)
    expect(html).toContain(
      `<a class="link" href="${stack.siteUrl}/posts/other">09.09.18: Confessed and Convicted</a><span class="eyebrow block">Pingback · In Venezuela · <time dateTime="2024-01-01T00:00:00.000Z">January 1, 2024</time></span>`,
    )
    expect(html).toContain(
      '<a class="link" href="https://elsewhere.example/b" rel="nofollow ugc noopener noreferrer">&lt;script&gt;alert(1)&lt;/script&gt;</a><span class="eyebrow block">Webmention · Elsewhere · <time',
    )
    expect(html).not.toContain('Pingback:')
    expect(html).not.toContain('<script>')
    expect(html).not.toContain('javascript:')
    expect(html).not.toContain('pending1')
    expect(html.indexOf('Confessed')).toBeLessThan(html.indexOf('alert'))
  })

  it('leaves the section out instead of breaking the post when the lake is unreachable', async () => {
    const {mentionsClient} = await import('@/lib/mentions/store')
    const client = mentionsClient()
    const original = client.config().apiHost
    client.config({apiHost: 'http://127.0.0.1:1'})
    try {
      expect(await render('post-open')).not.toContain('<section')
    } finally {
      client.config({apiHost: original})
    }
  })
})

describe('moderation revalidation endpoint (called by the Studio after Approve / Spam)', () => {
  const call = (body: unknown, token?: string) =>
    fetch(`${stack.siteUrl}/api/webhooks/mentions/moderated`, {
      method: 'POST',
      headers: {'content-type': 'application/json', ...(token ? {authorization: `Bearer ${token}`} : {})},
      body: JSON.stringify(body),
    })

  it('accepts an editor token that can read the pingback', async () => {
    const response = await call({id: 'pingback.a'}, stack.token)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({revalidated: true, postId: 'post-open'})
  })

  it('refuses missing or invalid tokens and bad bodies', async () => {
    expect((await call({id: 'pingback.a'})).status).toBe(401)
    expect([401, 404]).toContain((await call({id: 'pingback.a'}, 'not-a-real-token-123')).status)
    expect((await call({id: 'post-open'}, stack.token)).status).toBe(400)
    expect((await call({id: 'pingback.nope'}, stack.token)).status).toBe(404)
  })
})
