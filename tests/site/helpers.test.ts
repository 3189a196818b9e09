import {describe, expect, it} from 'vitest'
import {serializeJsonLd} from '@/components/site/JsonLd'
import {groupByMonth, monthRange, parseArchiveMonth, formatDate} from '@/lib/site/dates'
import {truncateDescription, pageMetadata} from '@/lib/site/metadata'
import {pageInfo, pageSize, pageSlice, parsePageNumber, totalPages} from '@/lib/site/pagination'
import {countWords, portableTextToPlain, readingTimeMinutes} from '@/lib/site/reading-time'
import {normaliseQuery, searchTerms, MAX_QUERY_LENGTH, MAX_TERMS} from '@/lib/site/search'
import {decodeSlug} from '@/lib/site/slugs'
import {tagsForChange} from '@/lib/site/tags'
import {absoluteUrl, isExternalHref, paths, safeHref} from '@/lib/site/urls'

const block = (text: string) => ({_type: 'block', children: [{_type: 'span', text}]})

describe('reading time', () => {
  it('counts words across blocks, code and captions', () => {
    expect(countWords('  The New York Times — published today. ')).toBe(6)
    expect(portableTextToPlain([block('a b'), {_type: 'codeBlock', code: 'let x'}, {_type: 'image', caption: 'cap'}])).toBe('a b\nlet x\ncap')
  })
  it('rounds to whole minutes, at least 1, and 0 for an empty body', () => {
    expect(readingTimeMinutes([])).toBe(0)
    expect(readingTimeMinutes(null)).toBe(0)
    expect(readingTimeMinutes([block('one word')])).toBe(1)
    expect(readingTimeMinutes([block(Array.from({length: 690}, () => 'word').join(' '))])).toBe(3)
  })
  it('ignores malformed nodes instead of throwing', () => {
    expect(readingTimeMinutes([null, 5, {_type: 'block', children: 'x'}, block('ok')] as unknown[])).toBe(1)
  })
})

describe('pagination', () => {
  it('parses only plain positive page numbers in range', () => {
    expect(parsePageNumber(undefined)).toBe(1)
    expect(parsePageNumber('2')).toBe(2)
    for (const bad of ['0', '-1', '1.5', '01', 'abc', '1e3', '', '99999', ' 2']) expect(parsePageNumber(bad)).toBeNull()
    expect(parsePageNumber(['1', '2'])).toBeNull()
  })
  it('computes slices, totals and neighbours', () => {
    expect(pageSlice(1, 10)).toEqual({start: 0, end: 10})
    expect(pageSlice(3, 10)).toEqual({start: 20, end: 30})
    expect(totalPages(0, 10)).toBe(1)
    expect(totalPages(21, 10)).toBe(3)
    expect(pageInfo(1, 21, 10)).toEqual({page: 1, totalPages: 3, previous: null, next: 2})
    expect(pageInfo(3, 21, 10)).toEqual({page: 3, totalPages: 3, previous: 2, next: null})
  })
  it('clamps the page size from settings', () => {
    expect(pageSize(undefined)).toBe(10)
    expect(pageSize(0)).toBe(1)
    expect(pageSize(500)).toBe(50)
    expect(pageSize(2.5)).toBe(10)
  })
})

describe('URLs', () => {
  it('builds every public path and encodes slugs', () => {
    expect(paths.post('a b/c')).toBe('/posts/a%20b%2Fc')
    expect(paths.page(1)).toBe('/')
    expect(paths.page(2)).toBe('/page/2')
    expect(paths.category('politics', 2)).toBe('/category/politics?page=2')
    expect(paths.archiveMonth(2018, 9)).toBe('/archive/2018/09')
    expect(paths.search('a&b')).toBe('/search?q=a%26b')
  })
  it('makes absolute URLs on the site origin', () => {
    expect(absoluteUrl('/posts/x', 'https://example.org/')).toBe('https://example.org/posts/x')
  })
  it('tells external links from internal ones', () => {
    expect(isExternalHref('https://nytimes.com/x', 'https://example.org')).toBe(true)
    expect(isExternalHref('https://example.org/posts/x', 'https://example.org')).toBe(false)
    expect(isExternalHref('/posts/x', 'https://example.org')).toBe(false)
    expect(isExternalHref('mailto:a@b.c', 'https://example.org')).toBe(false)
  })
  it('drops dangerous hrefs from content', () => {
    expect(safeHref('javascript:alert(1)')).toBeNull()
    expect(safeHref(' JavaScript:alert(1)')).toBeNull()
    expect(safeHref('data:text/html,x')).toBeNull()
    expect(safeHref('https://x.org')).toBe('https://x.org')
    expect(safeHref('mailto:a@b.c')).toBe('mailto:a@b.c')
    expect(safeHref('/posts/x')).toBe('/posts/x')
    expect(safeHref(42)).toBeNull()
  })
})

describe('search input', () => {
  it('normalises, caps and echoes the query', () => {
    expect(normaliseQuery('  hello   world ')).toBe('hello world')
    expect(normaliseQuery(['a', 'b'])).toBe('a')
    expect(normaliseQuery(undefined)).toBe('')
    expect(normaliseQuery('x'.repeat(500))).toHaveLength(MAX_QUERY_LENGTH)
  })
  it('reduces input to plain prefix terms (no GROQ match syntax survives)', () => {
    expect(searchTerms('Venez* "coup" OR -x')).toEqual(['venez*', 'coup*', 'or*', 'x*'])
    expect(searchTerms('<script>alert(1)</script>')).toEqual(['script*', 'alert*', '1*'])
    expect(searchTerms('!!! ***')).toEqual([])
    expect(searchTerms('a b c d e f g h i j k').length).toBe(MAX_TERMS)
    expect(searchTerms('Cúcuta')).toEqual(['cúcuta*'])
  })
})

describe('dates and archive', () => {
  it('parses archive segments strictly', () => {
    expect(parseArchiveMonth('2018', '09')).toEqual({year: 2018, month: 9})
    expect(parseArchiveMonth('2018', '13')).toBeNull()
    expect(parseArchiveMonth('18', '09')).toBeNull()
    expect(parseArchiveMonth('2018', 'x')).toBeNull()
  })
  it('gives UTC month bounds and groups dates by month', () => {
    expect(monthRange(2018, 12)).toEqual({from: '2018-12-01T00:00:00.000Z', to: '2019-01-01T00:00:00.000Z'})
    expect(groupByMonth(['2018-09-30T23:59:00Z', '2018-09-01T00:00:00Z', '2018-08-05T00:00:00Z', null, 'bad'])).toEqual([
      {year: 2018, month: 9, count: 2},
      {year: 2018, month: 8, count: 1},
    ])
  })
  it('formats in UTC and survives a bad locale', () => {
    expect(formatDate('2018-09-08T22:15:00.000Z', 'en')).toBe('September 8, 2018')
    expect(formatDate('2018-09-08T22:15:00.000Z', 'not a locale!')).toBe('September 8, 2018')
    expect(formatDate('nope')).toBe('')
  })
})

describe('slugs', () => {
  it('decodes once and rejects implausible slugs', () => {
    expect(decodeSlug('my-post')).toBe('my-post')
    expect(decodeSlug('%E0%A4%A')).toBeNull()
    expect(decodeSlug('a%2Fb')).toBeNull()
    expect(decodeSlug('x'.repeat(201))).toBeNull()
  })
})

describe('cache tags for webhooks', () => {
  it('expires the post lists and both slugs of a renamed post', () => {
    expect(tagsForChange({_id: 'p', _type: 'post', slug: 'new', previousSlug: 'old'}).sort()).toEqual(['post', 'post:new', 'post:old'])
  })
  it('expires posts when things shown inside posts change', () => {
    expect(tagsForChange({_id: 'a', _type: 'author'}).sort()).toEqual(['author', 'post'])
    expect(tagsForChange({_id: 'siteSettings', _type: 'siteSettings'})).toEqual(['settings'])
    expect(tagsForChange({_id: 'x', _type: 'somethingElse'})).toEqual([])
  })
})

describe('metadata', () => {
  it('truncates descriptions on a word boundary', () => {
    const long = 'word '.repeat(100)
    const out = truncateDescription(long, 50)!
    expect(out.length).toBeLessThanOrEqual(50)
    expect(out.endsWith('…')).toBe(true)
    expect(truncateDescription('  short  ')).toBe('short')
    expect(truncateDescription(null)).toBeUndefined()
  })
  it('sets canonical, Open Graph and Twitter card', () => {
    const m = pageMetadata({title: 'T', description: 'D', path: '/posts/x', type: 'article', publishedTime: '2018-01-01'})
    expect(m.alternates?.canonical).toBe('/posts/x')
    expect(m.openGraph).toMatchObject({type: 'article', url: '/posts/x', title: 'T', publishedTime: '2018-01-01'})
    expect(m.twitter).toMatchObject({card: 'summary_large_image'})
  })
})

describe('JSON-LD serialisation', () => {
  it('cannot close the script element', () => {
    const out = serializeJsonLd({headline: '</script><script>alert(1)</script>'})
    expect(out).not.toContain('</script>')
    expect(JSON.parse(out)).toEqual({headline: '</script><script>alert(1)</script>'})
  })
})
