/**
 * Acceptance on exports nobody on this project wrote: WordPress's own theme test data
 * (fixtures/theme-test-data/README.md) — the Theme Unit Test (classic and block content, every core
 * block, [caption] [gallery] [embed] [audio] [video] and other shortcodes, nested comments,
 * pingbacks, trackbacks, attachments, menus), one post per core block, and the theme preview.
 * Each imports without a failure, and no visible word of any post or page is lost: checked here
 * independently of the converter's own check, from the raw `content:encoded` (tags, block comments
 * and shortcode tags stripped) against every string of the imported body.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {importWordPress, type ImportSink} from '@/lib/import/wordpress'
import {decodeHtmlEntity} from '@/lib/import/wordpress/parse/entities'
import {toItem, type WxrItem} from '@/lib/import/wordpress/parse/records'
import {readWxr} from '@/lib/import/wordpress/parse/xml'
import {engineSink} from '@/lib/import/wordpress/sink/engine'

const FIXTURES = path.join(import.meta.dirname, 'fixtures', 'theme-test-data')
const FILES = ['themeunittestdata.wordpress.xml', '64-block-test-data.xml', 'theme-preview.xml']

const INLINE = 'a|abbr|acronym|b|big|cite|code|del|dfn|em|font|i|ins|kbd|mark|q|s|samp|small|span|strike|strong|sub|sup|time|tt|u|var'

/** The words a reader of the WordPress page saw in the content (roughly: text between tags). */
function sourceWords(content: string): string[] {
  const text = content
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, ' ')
    // Two links side by side are two things (the file block's name and its download button).
    .replace(/<\/a>\s*<a\b/gi, '</a> <a')
    .replace(new RegExp(`</?(?:${INLINE})\\b[^>]*>`, 'gi'), '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\[\[([^\]]*)\]\]/g, '[$1]')
    .replace(/\[\/?[a-z][\w-]*(?:\s[^\]]*)?\]/gi, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z][a-z0-9]*);/gi, (whole, name: string) =>
      name.startsWith('#x') ? String.fromCodePoint(parseInt(name.slice(2), 16)) : name.startsWith('#') ? String.fromCodePoint(Number(name.slice(1))) : (decodeHtmlEntity(name) ?? whole),
    )
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []
}

function bodyWords(body: unknown): Set<string> {
  const parts: string[] = []
  const walk = (value: unknown, key: string) => {
    const node = value as {_type?: string; children?: {text?: string}[]}
    if (node && node._type === 'block' && Array.isArray(node.children)) {
      parts.push(node.children.map((c) => c.text ?? '').join(''))
      return
    }
    if (typeof value === 'string') {
      if (!['_key', '_type', '_ref', 'style', 'listItem'].includes(key)) parts.push(value)
    } else if (Array.isArray(value)) value.forEach((v) => walk(v, key))
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, k)
  }
  walk(body, '')
  return new Set(parts.join(' ').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])
}

const dirs: string[] = []
afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, {recursive: true, force: true})))

describe.each(FILES)('WordPress theme test data: %s', (name) => {
  const file = path.join(FIXTURES, name)
  let sink: ImportSink
  let summary: Awaited<ReturnType<typeof importWordPress>>['summary']
  const items: WxrItem[] = []

  beforeAll(async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-theme-data-'))
    dirs.push(dataDir)
    sink = engineSink({dataDir, dataset: 'production', projectId: 'dispatch', origin: 'http://127.0.0.1:1'})
    ;({summary} = await importWordPress({file, sink, siteUrl: 'https://new.example.org'}))
    await readWxr(file, {
      onRecord: (kind, element, {line}) => {
        if (kind === 'item') items.push(toItem(element, line))
      },
      afterChunk: async () => {},
    })
  })
  afterAll(async () => sink?.close())

  it('imports without a failure, every post and page', async () => {
    const counts = summary.toJSON().counts as Record<string, {imported: number; failed: unknown[]}>
    for (const [kind, count] of Object.entries(counts)) expect(count.failed, kind).toEqual([])
    expect(summary.toJSON().warnings.join('\n')).not.toMatch(/did not survive/)
    const expected = items.filter((i) => (i.type === 'post' || i.type === 'page') && ['publish', 'future', 'draft', 'pending', 'private'].includes(i.status))
    expect(counts.posts.imported + (counts.pages?.imported ?? 0)).toBe(expected.length)
  })

  it('loses no visible text of any post or page', async () => {
    const docs = await sink.query<{_id: string; body: unknown}[]>('*[_type in ["post", "page"]]{_id, body}')
    const byWpId = new Map(docs.map((d) => [/-(?:post|page)-(\d+)$/.exec(d._id)![1], d]))
    const lost: Record<string, string[]> = {}
    for (const item of items) {
      if (item.type !== 'post' && item.type !== 'page') continue
      const doc = byWpId.get(item.id)
      if (!doc) continue
      const have = bodyWords(doc.body)
      const missing = [...new Set(sourceWords(item.content))].filter((w) => !have.has(w))
      if (missing.length) lost[`${item.id} ${item.title}`] = missing
    }
    expect(lost).toEqual({})
  })
})

describe('theme unit test specifics', () => {
  let sink: ImportSink
  beforeAll(async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-theme-unit-'))
    dirs.push(dataDir)
    sink = engineSink({dataDir, dataset: 'production', projectId: 'dispatch', origin: 'http://127.0.0.1:1'})
    await importWordPress({file: path.join(FIXTURES, 'themeunittestdata.wordpress.xml'), sink, siteUrl: 'https://new.example.org'})
    await importWordPress({file: path.join(FIXTURES, '64-block-test-data.xml'), sink, siteUrl: 'https://new.example.org'})
  })
  afterAll(async () => sink?.close())

  it('tables, separators, embeds, code, nested comments, approved pingbacks and trackbacks', async () => {
    const tables = await sink.query<{headerRow: boolean; rows: {cells: string[]}[]}[]>('*[_type in ["post", "page"]].body[_type == "table"]')
    expect(tables.length).toBeGreaterThan(2)
    expect(tables.some((t) => t.headerRow)).toBe(true)
    expect(await sink.query<number>('count(*[_type in ["post", "page"]].body[_type == "separator"])')).toBeGreaterThan(2)
    expect(await sink.query<number>('count(*[_type in ["post", "page"]].body[_type == "embed"])')).toBeGreaterThan(5)
    expect(await sink.query<number>('count(*[_type in ["post", "page"]].body[_type == "codeBlock"])')).toBeGreaterThan(1)
    expect(await sink.query<number>('count(*[_type == "wpComment" && defined(wordpressParentId)])')).toBeGreaterThan(5)
    expect(await sink.query<number>('count(*[_type == "pingback" && status == "approved"])')).toBeGreaterThanOrEqual(2)
  })
})
