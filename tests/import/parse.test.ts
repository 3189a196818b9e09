import path from 'node:path'
import fs from 'node:fs'
import os from 'node:os'
import {describe, expect, it} from 'vitest'
import {readWxr, prefixForNamespace, type XmlWarning} from '@/lib/import/wordpress/parse/xml'
import {toItem, toTerm, toAuthor, type WxrItem} from '@/lib/import/wordpress/parse/records'

const fixtures = path.join(import.meta.dirname, 'fixtures')

async function readAll(file: string) {
  const channel: Record<string, string> = {}
  const items: WxrItem[] = []
  const warnings: XmlWarning[] = []
  const others: string[] = []
  await readWxr(file, {
    onChannelField: (name, value) => (channel[name] = value),
    onRecord: (kind, element, {line}) => (kind === 'item' ? items.push(toItem(element, line)) : others.push(kind)),
    onWarning: (w) => warnings.push(w),
  })
  return {channel, items, warnings, others}
}

describe('WXR parse stage', () => {
  it('maps every WXR namespace URI (1.0–1.2, http and https, WordPress.com) to the usual prefixes', () => {
    for (const uri of ['http://wordpress.org/export/1.0/', 'http://wordpress.org/export/1.1/', 'http://wordpress.org/export/1.2/', 'https://wordpress.org/export/1.2/']) {
      expect(prefixForNamespace(uri, 'x')).toBe('wp')
    }
    expect(prefixForNamespace('https://wordpress.org/export/1.2/excerpt/', 'x')).toBe('excerpt')
    expect(prefixForNamespace('http://purl.org/rss/1.0/modules/content/', 'c')).toBe('content')
    expect(prefixForNamespace('http://example.com/other', 'other')).toBe('other')
  })

  it('reads the standard 1.2 export: channel, authors, terms, items with meta and comments', async () => {
    const {channel, items, others} = await readAll(path.join(fixtures, 'blog.xml'))
    expect(channel['wp:wxr_version']).toBe('1.2')
    expect(channel['wp:base_blog_url']).toBe('https://blog.example.com')
    expect(others).toEqual(expect.arrayContaining(['wp:author', 'wp:category', 'wp:tag']))
    const post = items.find((i) => i.id === '101')!
    expect(post.title).toBe('Hello Caracas')
    expect(post.meta.get('_wp_old_slug')).toEqual(['hello-old', 'hello-older'])
    expect(post.terms).toContainEqual({domain: 'category', slug: 'world', name: 'World'})
    expect(post.comments.map((c) => c.type)).toEqual(expect.arrayContaining(['pingback', 'trackback', '']))
  })

  it('survives hostile input and names the place of every problem', async () => {
    const {channel, items, warnings} = await readAll(path.join(fixtures, 'hostile.xml'))
    // Undefined HTML entities outside CDATA are decoded, known XML ones too; prefix "wordpress:" maps to wp:.
    expect(channel.title).toBe('Café & Friends\u00a0Blog')
    expect(channel['wp:wxr_version']).toBe('1.1')
    expect(items[0].title).toBe('Entities … and <tags>')
    // WordPress's escaped "]]>" inside CDATA is rejoined.
    expect(items[0].content).toBe('Code: if (a[b[0]]> 1) {}')
    // Invalid UTF-8 became U+FFFD, the control character is gone, the stray "]]>" kept as text.
    expect(items[1].content).toContain('bad bytes: \uFFFD')
    // A raw "]]>" inside CDATA ends it early (XML's rule); the rest is read as text, nothing is lost.
    expect(items[1].content).toMatch(/stray\s+end\]\]>$/)
    expect(items[1].title).toBe('Broken ]]> outside CDATA and a ctrlchar')
    const messages = warnings.map((w) => `${w.line}:${w.column} ${w.message}`).join('\n')
    expect(messages).toMatch(/invalid UTF-8/)
    expect(messages).toMatch(/disallowed character|\]\]>/)
    for (const w of warnings) expect(w.line).toBeGreaterThan(0)
  })

  it('rejects a file that is not WXR with a message naming it', async () => {
    const file = path.join(os.tmpdir(), `not-wxr-${process.pid}.xml`)
    fs.writeFileSync(file, '<html><body>nope</body></html>')
    await expect(readAll(file)).rejects.toThrow(/not-wxr-.*not a WordPress export/)
    fs.rmSync(file)
  })

  it('reads terms and authors in all their WXR spellings', () => {
    const term = toTerm({name: 'wp:term', attributes: {}, text: '', children: [
      {name: 'wp:term_taxonomy', attributes: {}, children: [], text: 'category'},
      {name: 'wp:term_slug', attributes: {}, children: [], text: 'world'},
      {name: 'wp:term_name', attributes: {}, children: [], text: 'World'},
      {name: 'wp:term_parent', attributes: {}, children: [], text: 'news'},
    ]})
    expect(term).toMatchObject({taxonomy: 'category', slug: 'world', name: 'World', parentSlug: 'news'})
    expect(toAuthor({name: 'wp:author', attributes: {}, text: '', children: [{name: 'wp:author_login', attributes: {}, children: [], text: ' ed '}]}).login).toBe('ed')
  })
})
