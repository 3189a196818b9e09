import {describe, expect, it} from 'vitest'
import {siteUrl} from '@/lib/env'
import {DEFAULT_FEED_ITEMS, feedItemLimit, MAX_FEED_ITEMS} from '@/lib/feeds/limits'
import {feedAlternates, feedPath, siteFeedAlternates} from '@/lib/feeds/links'

describe('feed URLs', () => {
  it('site-wide feeds sit at the root, topic feeds under the topic page', () => {
    expect(feedPath('rss', {kind: 'site'})).toBe('/feed.xml')
    expect(feedPath('atom', {kind: 'site'})).toBe('/atom.xml')
    expect(feedPath('json', {kind: 'site'})).toBe('/feed.json')
    expect(feedPath('rss', {kind: 'category', slug: 'politics'})).toBe('/category/politics/feed.xml')
    expect(feedPath('atom', {kind: 'tag', slug: 'venezuela'})).toBe('/tag/venezuela/atom.xml')
    expect(feedPath('json', {kind: 'author', slug: 'ana'})).toBe('/author/ana/feed.json')
    expect(feedPath('rss', {kind: 'tag', slug: 'a/b c'})).toBe('/tag/a%2Fb%20c/feed.xml')
  })

  it('feedAlternates gives Next metadata for all three formats of a topic', () => {
    expect(feedAlternates('category', 'politics', 'Politics')).toEqual({
      'application/rss+xml': [{url: `${siteUrl}/category/politics/feed.xml`, title: 'Politics (RSS)'}],
      'application/atom+xml': [{url: `${siteUrl}/category/politics/atom.xml`, title: 'Politics (Atom)'}],
      'application/feed+json': [{url: `${siteUrl}/category/politics/feed.json`, title: 'Politics (JSON Feed)'}],
    })
    expect(siteFeedAlternates('Dispatch')['application/rss+xml']).toEqual([{url: `${siteUrl}/feed.xml`, title: 'Dispatch (RSS)'}])
  })
})

describe('feedItemLimit', () => {
  it('defaults, rounds and caps settings.feedItemCount', () => {
    expect(feedItemLimit(undefined)).toBe(DEFAULT_FEED_ITEMS)
    expect(feedItemLimit(null)).toBe(DEFAULT_FEED_ITEMS)
    expect(feedItemLimit('50')).toBe(DEFAULT_FEED_ITEMS)
    expect(feedItemLimit(Number.NaN)).toBe(DEFAULT_FEED_ITEMS)
    expect(feedItemLimit(7.9)).toBe(7)
    expect(feedItemLimit(0)).toBe(1)
    expect(feedItemLimit(-3)).toBe(1)
    expect(feedItemLimit(10_000)).toBe(MAX_FEED_ITEMS)
  })
})
