/**
 * A deterministic synthetic WordPress export for the scale test: `posts` posts (classic and block
 * editor, ~350 words each, categories, tags, a comment and every tenth a pingback), streamed to disk.
 * Run alone: `npx tsx tests/import/generate-export.ts out.xml 10000`.
 */
import fs from 'node:fs'
import {once} from 'node:events'

const WORDS = 'inflation government caracas election power rationing market protest currency opposition minister oil price shortage bank report street vote reform court'.split(' ')

function sentence(seed: number, length: number): string {
  const words: string[] = []
  for (let i = 0; i < length; i++) words.push(WORDS[(seed * 31 + i * 7 + (i * i) % 13) % WORDS.length])
  const text = words.join(' ')
  return `${text[0].toUpperCase()}${text.slice(1)}.`
}

function paragraph(seed: number): string {
  return Array.from({length: 5}, (_, i) => sentence(seed + i, 12 + ((seed + i) % 6))).join(' ')
}

function classic(n: number): string {
  return [
    `${paragraph(n)} <strong>${sentence(n + 1, 4)}</strong> <a href="https://example.org/${n}">a link</a>`,
    paragraph(n + 2),
    `<blockquote>${sentence(n + 3, 15)}<cite>Source ${n}</cite></blockquote>`,
    `<ul>\n<li>${sentence(n + 4, 5)}</li>\n<li>${sentence(n + 5, 6)}</li>\n</ul>`,
    paragraph(n + 6),
  ].join('\n\n')
}

function blocks(n: number): string {
  return [
    `<!-- wp:paragraph -->\n<p>${paragraph(n)}</p>\n<!-- /wp:paragraph -->`,
    `<!-- wp:heading -->\n<h2 class="wp-block-heading">${sentence(n, 4)}</h2>\n<!-- /wp:heading -->`,
    `<!-- wp:paragraph -->\n<p>${paragraph(n + 1)} <em>${sentence(n + 2, 3)}</em></p>\n<!-- /wp:paragraph -->`,
    `<!-- wp:quote -->\n<blockquote class="wp-block-quote"><p>${sentence(n + 3, 14)}</p><cite>Source ${n}</cite></blockquote>\n<!-- /wp:quote -->`,
    `<!-- wp:paragraph -->\n<p>${paragraph(n + 4)}</p>\n<!-- /wp:paragraph -->`,
  ].join('\n\n')
}

const pad = (n: number) => String(n).padStart(2, '0')

export async function generateExport(file: string, posts: number): Promise<void> {
  const out = fs.createWriteStream(file)
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain')
  }
  await write(`<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Scale Blog</title>
<link>https://scale.example.com</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:base_blog_url>https://scale.example.com</wp:base_blog_url>
<wp:author><wp:author_login><![CDATA[editor]]></wp:author_login><wp:author_display_name><![CDATA[The Editor]]></wp:author_display_name></wp:author>
`)
  for (let c = 0; c < 12; c++) await write(`<wp:category><wp:term_id>${c + 1}</wp:term_id><wp:category_nicename>topic-${c}</wp:category_nicename><wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[Topic ${c}]]></wp:cat_name></wp:category>\n`)
  for (let i = 1; i <= posts; i++) {
    const date = new Date(Date.UTC(2005, 0, 1) + i * 6 * 3600_000)
    const gmt = `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:00:00`
    const slug = `post-number-${i}`
    const link = `https://scale.example.com/${date.getUTCFullYear()}/${pad(date.getUTCMonth() + 1)}/${slug}/`
    const pingback =
      i % 10 === 0
        ? `<wp:comment><wp:comment_id>${posts + i}</wp:comment_id><wp:comment_author><![CDATA[Other Blog » Re: post ${i}]]></wp:comment_author><wp:comment_author_url>https://other.example.net/re-${i}/</wp:comment_author_url><wp:comment_date_gmt>${gmt}</wp:comment_date_gmt><wp:comment_content><![CDATA[[…] about post ${i} […]]]></wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_type>pingback</wp:comment_type><wp:comment_parent>0</wp:comment_parent></wp:comment>`
        : ''
    await write(`<item>
<title><![CDATA[${sentence(i, 6)} ${i}]]></title>
<link>${link}</link>
<dc:creator><![CDATA[editor]]></dc:creator>
<content:encoded><![CDATA[${i % 2 ? classic(i) : blocks(i)}]]></content:encoded>
<excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>${i}</wp:post_id>
<wp:post_date_gmt><![CDATA[${gmt}]]></wp:post_date_gmt>
<wp:post_name><![CDATA[${slug}]]></wp:post_name>
<wp:status><![CDATA[publish]]></wp:status>
<wp:post_type><![CDATA[post]]></wp:post_type>
<category domain="category" nicename="topic-${i % 12}"><![CDATA[Topic ${i % 12}]]></category>
<category domain="post_tag" nicename="tag-${i % 50}"><![CDATA[Tag ${i % 50}]]></category>
<wp:comment><wp:comment_id>${i}</wp:comment_id><wp:comment_author><![CDATA[Reader ${i}]]></wp:comment_author><wp:comment_date_gmt>${gmt}</wp:comment_date_gmt><wp:comment_content><![CDATA[Comment on ${i}]]></wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_type></wp:comment_type><wp:comment_parent>0</wp:comment_parent></wp:comment>${pingback}
</item>
`)
  }
  await write('</channel>\n</rss>\n')
  out.end()
  await once(out, 'finish')
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  await generateExport(process.argv[2], Number(process.argv[3] || 10000))
}
