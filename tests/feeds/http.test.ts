import {describe, expect, it} from 'vitest'
import {etagMatches, FEED_CACHE_CONTROL, feedError, feedResponse, notModifiedSince, strongEtag} from '@/lib/feeds/http'

const lastModified = new Date('2024-05-02T10:00:00.500Z')
const body = '<rss/>'
const contentType = 'application/rss+xml; charset=utf-8'

const get = (headers: Record<string, string> = {}) => new Request('https://news.example/feed.xml', {headers})

describe('feedResponse', () => {
  it('answers 200 with the body, content type, strong ETag, Last-Modified and cache policy', async () => {
    const res = feedResponse(get(), {body, contentType, lastModified})
    expect(res.status).toBe(200)
    expect(await res.text()).toBe(body)
    expect(res.headers.get('content-type')).toBe(contentType)
    expect(res.headers.get('etag')).toBe(strongEtag(body))
    expect(res.headers.get('etag')).toMatch(/^"[A-Za-z0-9_-]{43}"$/)
    expect(res.headers.get('last-modified')).toBe('Thu, 02 May 2024 10:00:00 GMT')
    expect(res.headers.get('cache-control')).toBe(FEED_CACHE_CONTROL)
  })

  it('answers 304 without a body when If-None-Match matches', async () => {
    const res = feedResponse(get({'If-None-Match': `"other", ${strongEtag(body)}`}), {body, contentType, lastModified})
    expect(res.status).toBe(304)
    expect(await res.text()).toBe('')
    expect(res.headers.get('etag')).toBe(strongEtag(body))
    expect(res.headers.get('cache-control')).toBe(FEED_CACHE_CONTROL)
  })

  it('answers 200 when the ETag differs, even if the date says unchanged (If-None-Match wins)', () => {
    const res = feedResponse(get({'If-None-Match': '"stale"', 'If-Modified-Since': 'Fri, 03 May 2024 00:00:00 GMT'}), {body, contentType, lastModified})
    expect(res.status).toBe(200)
  })

  it('answers 304 on If-Modified-Since at or after Last-Modified, 200 before it', () => {
    expect(feedResponse(get({'If-Modified-Since': 'Thu, 02 May 2024 10:00:00 GMT'}), {body, contentType, lastModified}).status).toBe(304)
    expect(feedResponse(get({'If-Modified-Since': 'Thu, 02 May 2024 09:59:59 GMT'}), {body, contentType, lastModified}).status).toBe(200)
  })

  it('ignores malformed validators', () => {
    expect(feedResponse(get({'If-Modified-Since': 'yesterday-ish'}), {body, contentType, lastModified}).status).toBe(200)
    expect(feedResponse(get({'If-Modified-Since': 'x'.repeat(5000)}), {body, contentType, lastModified}).status).toBe(200)
    expect(feedResponse(get({'If-None-Match': ''}), {body, contentType, lastModified}).status).toBe(200)
  })
})

describe('validators', () => {
  it('weak comparison of entity tags, and `*`', () => {
    expect(etagMatches('W/"abc"', '"abc"')).toBe(true)
    expect(etagMatches('*', '"abc"')).toBe(true)
    expect(etagMatches('"abcd"', '"abc"')).toBe(false)
  })
  it('different bodies, different tags', () => {
    expect(strongEtag('a')).not.toBe(strongEtag('b'))
  })
  it('If-Modified-Since has one-second resolution', () => {
    expect(notModifiedSince(new Date('2024-05-02T10:00:00Z').toUTCString(), lastModified)).toBe(true)
  })
})

describe('feedError', () => {
  it('is short plain text and never cached', async () => {
    const res = feedError(404, 'No such category.')
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(await res.text()).toBe('No such category.\n')
  })
})
