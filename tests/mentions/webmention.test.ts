/**
 * The Webmention receiver: accept (202) → verified in the background → stored (and shown once
 * approved), update when the source changes, delete when the source is gone, 400 for bad requests.
 */
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'
import {eventually, htmlPage, startMentionsStack, startOtherBlog, type MentionsStack, type OtherBlog} from './harness'

let stack: MentionsStack
let blog: OtherBlog
let target: string
/** What the other blog's /note page currently serves (changed by tests). */
let note: {status: number; title: string; linksToTarget: boolean}

function sendWebmention(form: Record<string, string> | string, contentType = 'application/x-www-form-urlencoded') {
  const body = typeof form === 'string' ? form : new URLSearchParams(form).toString()
  return fetch(`${stack.siteUrl}/webmention`, {method: 'POST', headers: {'content-type': contentType}, body})
}

const mentionOf = (source: string) => stack.client.fetch(`*[_type == "pingback" && sourceUrl == $source][0]`, {source})

beforeAll(async () => {
  stack = await startMentionsStack({allowPrivateNetworks: true})
  target = `${stack.siteUrl}/posts/open`
  note = {status: 200, title: 'First title', linksToTarget: true}
  blog = await startOtherBlog({
    '/note': () => ({
      status: note.status,
      body: htmlPage(
        `${note.title} | Notes`,
        `<p>${note.linksToTarget ? `Replying to <a href="${target}">the post</a>.` : 'No link any more.'}</p>`,
        '<meta property="og:site_name" content="Notes">',
      ),
    }),
    '/hostile': () => ({body: htmlPage('<script>alert(1)</script> &lt;b&gt;bold&lt;/b&gt;', `<a href="${target}">x</a>`)}),
    '/unrelated': () => ({body: htmlPage('Unrelated', '<p>No link to anything here.</p>')}),
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

describe('webmention receiving', () => {
  const source = () => `${blog.url}/note`

  it('accepts with 202, verifies asynchronously and stores a pending mention', async () => {
    const response = await sendWebmention({source: source(), target})
    expect(response.status).toBe(202)
    expect(await response.text()).toMatch(/Accepted/)
    const doc = await eventually(() => mentionOf(source()))
    expect(doc).toMatchObject({kind: 'webmention', status: 'pending', sourceTitle: 'First title', sourceSite: 'Notes', targetUrl: target})
    expect(doc.excerpt).toBe('Replying to the post.')
  })

  it('once approved it is listed for the post (what the Pingbacks section shows)', async () => {
    const {approvedSourcesForPost} = await import('@/lib/mentions/store')
    expect(await approvedSourcesForPost('post-open')).not.toContain(source())
    const doc = await mentionOf(source())
    await stack.client.patch(doc._id).set({status: 'approved'}).commit()
    expect(await approvedSourcesForPost('post-open')).toContain(source())
  })

  it('a re-sent webmention after the source changed updates the title, keeps moderation', async () => {
    note.title = 'Second title'
    expect((await sendWebmention({source: source(), target})).status).toBe(202)
    const doc = await eventually(async () => {
      const d = await mentionOf(source())
      return d?.sourceTitle === 'Second title' ? d : null
    })
    expect(doc.status).toBe('approved')
    expect(await stack.client.fetch(`count(*[_type == "pingback" && sourceUrl == $s])`, {s: source()})).toBe(1)
  })

  it('a source that no longer links to the target deletes the mention', async () => {
    note.linksToTarget = false
    expect((await sendWebmention({source: source(), target})).status).toBe(202)
    await eventually(async () => (await mentionOf(source())) === null)
    note.linksToTarget = true
  })

  it('a source that is gone (410) deletes the mention', async () => {
    expect((await sendWebmention({source: source(), target})).status).toBe(202)
    await eventually(() => mentionOf(source()))
    note.status = 410
    expect((await sendWebmention({source: source(), target})).status).toBe(202)
    await eventually(async () => (await mentionOf(source())) === null)
    note.status = 200
  })

  it('stores hostile titles as plain text (escaped again by React when shown)', async () => {
    const hostile = `${blog.url}/hostile`
    expect((await sendWebmention({source: hostile, target})).status).toBe(202)
    const doc = await eventually(() => mentionOf(hostile))
    // <title> is raw text in HTML: the stranger's "tags" are just characters, stored as such.
    expect(doc.sourceTitle).toBe('<script>alert(1)</script> <b>bold</b>')
  })
})

describe('rejected webmentions (#16.6)', () => {
  it('are kept for editors with the reason, instead of vanishing after the 202', async () => {
    const unrelated = `${blog.url}/unrelated`
    expect((await sendWebmention({source: unrelated, target})).status).toBe(202)
    const rejected = await eventually(() => stack.client.fetch<{_id: string; reason: string} | null>(`*[_type == "rejectedMention" && sourceUrl == $s][0]`, {s: unrelated}))
    expect(rejected).toMatchObject({kind: 'webmention', targetUrl: target, attempts: 1, target: {_ref: 'post-open'}})
    expect(rejected._id).toMatch(/^rejected-mention\.[0-9a-f]{40}$/)
    expect(rejected.reason).toMatch(/link/i)
    expect(await mentionOf(unrelated)).toBeNull()
  })

  it('are deleted after the retention period', async () => {
    const {purgeRejections} = await import('@/lib/mentions/rejections')
    const {REJECTION_RETENTION_DAYS} = await import('@/lib/mentions/retention')
    const old = new Date(Date.now() - (REJECTION_RETENTION_DAYS + 1) * 86_400_000).toISOString()
    await stack.client.createOrReplace({_id: 'rejected-mention.old', _type: 'rejectedMention', sourceUrl: 'https://old.example/', rejectedAt: old})
    await stack.client.createOrReplace({_id: 'rejected-mention.recent', _type: 'rejectedMention', sourceUrl: 'https://recent.example/', rejectedAt: new Date().toISOString()})
    expect(await purgeRejections()).toBeGreaterThanOrEqual(1)
    expect(await stack.client.getDocument('rejected-mention.old')).toBeUndefined()
    expect(await stack.client.getDocument('rejected-mention.recent')).toBeDefined()
  })
})

describe('webmention validation', () => {
  const source = () => `${blog.url}/note`

  it.each([
    ['missing target', () => ({source: source()}), /Exactly one/],
    ['missing source', () => ({target}), /Exactly one/],
    ['non-http source', () => ({source: 'ftp://x/y', target}), /source must be an absolute http/],
    ['relative target', () => ({source: source(), target: '/posts/open'}), /target must be an absolute http/],
    ['same source and target', () => ({source: target, target}), /must differ/],
    ['target on another site', () => ({source: source(), target: 'https://example.com/posts/open'}), /not a post of this site/],
    ['target not a post', () => ({source: source(), target: `${stack.siteUrl}/about`}), /not a post of this site/],
    ['unknown post', () => ({source: source(), target: `${stack.siteUrl}/posts/nope`}), /does not exist/],
    ['pings closed', () => ({source: source(), target: `${stack.siteUrl}/posts/closed`}), /does not accept/],
    ['future post', () => ({source: source(), target: `${stack.siteUrl}/posts/future`}), /not published/],
  ])('400 for %s, with a clear message', async (_name, form, message) => {
    const response = await sendWebmention(form())
    expect(response.status).toBe(400)
    expect(await response.text()).toMatch(message)
  })

  it('415 for a non-form body, 413 for an oversized one', async () => {
    expect((await sendWebmention(JSON.stringify({source: source(), target}), 'application/json')).status).toBe(415)
    expect((await sendWebmention(`source=${'a'.repeat(20_000)}&target=x`)).status).toBe(413)
  })

  it('429 with Retry-After after 10 webmentions a minute from one client', async () => {
    const statuses: number[] = []
    let retryAfter: string | null = null
    // Refused for their target first: those cost nothing (#18, finding 11)…
    for (let i = 0; i < 12; i++) {
      const response = await sendWebmention({source: `${blog.url}/other-${i}`, target: `${stack.siteUrl}/posts/nope`})
      expect(response.status).toBe(400)
    }
    // …then acceptable ones are counted.
    for (let i = 0; i < 11; i++) {
      const response = await sendWebmention({source: `${blog.url}/counted-${i}`, target: `${stack.siteUrl}/posts/open`})
      statuses.push(response.status)
      retryAfter = response.headers.get('retry-after')
    }
    expect(statuses.slice(0, 10).every((s) => s === 202)).toBe(true)
    expect(statuses[10]).toBe(429)
    expect(Number(retryAfter)).toBeGreaterThan(0)
  })
})
