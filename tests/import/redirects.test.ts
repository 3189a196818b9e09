import {describe, expect, it} from 'vitest'
import {normalizeRedirectPath} from '@/lib/redirects/path'
import {RedirectPlanner, oldPath} from '@/lib/import/wordpress/redirects'
import type {ExportIndex} from '@/lib/import/wordpress/scan'

describe('redirect paths', () => {
  it('normalise the way the importer stores them and the proxy looks them up', () => {
    expect(normalizeRedirectPath('/2009/03/Hello-Caracas/')).toBe('/2009/03/hello-caracas')
    expect(normalizeRedirectPath('//a//b/')).toBe('/a/b')
    expect(normalizeRedirectPath('/', '?p=123&utm_source=x')).toBe('/?p=123')
    expect(normalizeRedirectPath('/', '?utm_source=x')).toBe('/')
    expect(normalizeRedirectPath('/caf%C3%A9/')).toBe('/café')
    expect(normalizeRedirectPath('/%E0%A4%A')).toBe('/%e0%a4%a')
    expect(normalizeRedirectPath(`/${'a'.repeat(2000)}`)).toBeNull()
  })

  it('recognise old links only on the old blog (www or not), and plan no no-op or duplicate redirects', () => {
    const index = {siteUrl: 'https://blog.example.com'} as ExportIndex
    expect(oldPath('https://www.blog.example.com/2009/x/', index)).toBe('/2009/x')
    expect(oldPath('https://elsewhere.example.com/2009/x/', index)).toBeNull()
    expect(oldPath('/?p=5', index)).toBe('/?p=5')
    const planner = new RedirectPlanner(index)
    expect(planner.group('/posts/x', ['/posts/x'])).toBeNull()
    expect(planner.group('/posts/x', ['/old', '/?p=1', null])).toMatchObject({from: ['/old', '/?p=1'], to: '/posts/x', _type: 'redirect'})
    expect(planner.group('/posts/y', ['/old'])).toBeNull()
    expect(planner.forTerm('tag', 'economy', 'economy', '4').map((r) => [r.to, r.from])).toEqual([
      ['/tag/economy', ['/?tag=economy']],
      ['/tag/economy/feed.xml', ['/tag/economy/feed']],
      ['/tag/economy/atom.xml', ['/tag/economy/feed/atom']],
    ])
  })
})
