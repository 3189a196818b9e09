/**
 * Pass 1 over the export: everything items refer to but may come after them in the file —
 * attachments (featured images, galleries), reusable blocks, page parents, the slugs and old
 * permalinks of every post and page (to rewrite internal links and plan redirects). Kept small:
 * per item a few short strings, never content (except `wp_block`s, which are few).
 */
import {toAuthor, toItem, toTerm, metaValue, type WxrAuthor, type WxrTerm} from './parse/records'
import {readWxr, type XmlWarning} from './parse/xml'
import type {AttachmentInfo} from './convert/context'
import {siteKey} from './ids'

export interface Entry {
  id: string
  type: string
  status: string
  title: string
  rawSlug: string
  link: string
  parent: string
  /** Final slug (posts) or path (pages), set by `assignAddresses`. */
  slug: string
  path: string
}

export interface ChannelInfo {
  title: string
  link: string
  description: string
  language: string
  wxrVersion: string
  baseSiteUrl: string
  baseBlogUrl: string
}

export interface ExportIndex {
  file: string
  channel: ChannelInfo
  /** The blog's own URL (base_blog_url, else the channel link): ids, old-link detection. */
  siteUrl: string
  site: string
  authors: Map<string, WxrAuthor>
  terms: WxrTerm[]
  attachments: Map<string, AttachmentInfo & {parent: string; file: string}>
  reusableBlocks: Map<string, string>
  entries: Map<string, Entry>
  itemCount: number
  bytes: number
  warnings: XmlWarning[]
}

/**
 * A string of its own. The XML parser hands out slices of the chunk it read; V8 keeps a slice's
 * whole parent alive, so storing `item.link` would keep ~64 KB of the file per item in the index
 * (65 MB for 10,000 posts). A JSON round trip makes a flat copy (lone surrogates included).
 */
function own(value: string): string {
  return value ? (JSON.parse(JSON.stringify(value)) as string) : ''
}

export async function scanExport(file: string, onProgress?: (bytes: number) => void): Promise<ExportIndex> {
  const channel: Record<string, string> = {}
  const index: ExportIndex = {
    file,
    channel: {title: '', link: '', description: '', language: '', wxrVersion: '', baseSiteUrl: '', baseBlogUrl: ''},
    siteUrl: '',
    site: '',
    authors: new Map(),
    terms: [],
    attachments: new Map(),
    reusableBlocks: new Map(),
    entries: new Map(),
    itemCount: 0,
    bytes: 0,
    warnings: [],
  }
  await readWxr(file, {
    onChannelField: (name, value) => {
      if (!(name in channel)) channel[name] = value
    },
    onWarning: (warning) => {
      if (index.warnings.length < 200) index.warnings.push(warning)
    },
    onProgress: (bytes) => {
      index.bytes = bytes
      onProgress?.(bytes)
    },
    onRecord: (kind, element, {line}) => {
      if (kind === 'wp:author') {
        const author = toAuthor(element)
        if (author.login) index.authors.set(own(author.login), Object.fromEntries(Object.entries(author).map(([k, v]) => [k, typeof v === 'string' ? own(v) : v])) as typeof author)
        return
      }
      if (kind !== 'item') {
        const term = toTerm(element)
        index.terms.push(Object.fromEntries(Object.entries(term).map(([k, v]) => [k, typeof v === 'string' ? own(v) : v])) as typeof term)
        return
      }
      index.itemCount++
      const item = toItem(element, line)
      if (item.type === 'attachment') {
        index.attachments.set(own(item.id), {
          id: own(item.id),
          url: own(item.attachmentUrl || item.guid),
          alt: own((metaValue(item, '_wp_attachment_image_alt') ?? '').trim()),
          caption: own(item.excerpt.replace(/<[^>]+>/g, '').trim()),
          title: own(item.title),
          parent: own(item.parent),
          file: own(metaValue(item, '_wp_attached_file') ?? ''),
        })
      } else if (item.type === 'wp_block') {
        index.reusableBlocks.set(own(item.id), own(item.content))
      }
      if (item.type === 'post' || item.type === 'page') {
        index.entries.set(own(item.id), {
          id: own(item.id),
          type: own(item.type),
          status: own(item.status),
          title: own(item.title),
          rawSlug: own(item.name),
          link: own(item.link),
          parent: own(item.parent),
          slug: '',
          path: '',
        })
      }
    },
  })
  index.channel = {
    title: channel.title ?? '',
    link: channel.link ?? '',
    description: channel.description ?? '',
    language: channel.language ?? '',
    wxrVersion: channel['wp:wxr_version'] ?? '',
    baseSiteUrl: channel['wp:base_site_url'] ?? '',
    baseBlogUrl: channel['wp:base_blog_url'] ?? '',
  }
  index.siteUrl = (index.channel.baseBlogUrl || index.channel.link || index.channel.baseSiteUrl).replace(/\/+$/, '')
  index.site = siteKey(index.siteUrl)
  return index
}

/** URL-safe slug: WordPress's `post_name` is percent-encoded for non-ASCII titles; decode it. */
export function decodeSlug(raw: string): string {
  try {
    return decodeURIComponent(raw).trim()
  } catch {
    return raw.trim()
  }
}

export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 96)
    .replace(/-+$/, '')
}

/** Top-level paths the site already serves: an imported page cannot take them. */
const RESERVED_PAGE_PATH = /^\/(posts|category|tag|author|archive|search|page|studio|api|contact|feed\.xml|atom\.xml|feed\.json|rss\.xml|sitemap\.xml|robots\.txt|xmlrpc|webmention)(\/|$)/

/**
 * Gives every post its final slug (unique among the import and the lake's other posts) and every
 * page its path (parents' slugs joined; moved under /pages when it would shadow a site route).
 */
export function assignAddresses(index: ExportIndex, slugsTakenElsewhere: Set<string>): void {
  const taken = new Set(slugsTakenElsewhere)
  for (const entry of index.entries.values()) {
    if (entry.type !== 'post') continue
    let slug = slugify(decodeSlug(entry.rawSlug).replace(/__trashed$/, '')) || slugify(entry.title) || `post-${entry.id}`
    if (taken.has(slug)) slug = `${slug}-${entry.id}`
    taken.add(slug)
    entry.slug = slug
  }
  const pathOf = (entry: Entry, depth: number): string => {
    const own = slugify(decodeSlug(entry.rawSlug)) || slugify(entry.title) || `page-${entry.id}`
    const parent = entry.parent && entry.parent !== '0' ? index.entries.get(entry.parent) : undefined
    if (!parent || parent.type !== 'page' || depth > 20) return `/${own}`
    return `${pathOf(parent, depth + 1)}/${own}`
  }
  const paths = new Set<string>()
  for (const entry of index.entries.values()) {
    if (entry.type !== 'page') continue
    let path = pathOf(entry, 0)
    if (RESERVED_PAGE_PATH.test(path)) path = `/pages${path}`
    if (paths.has(path)) path = `${path}-${entry.id}`
    paths.add(path)
    entry.path = path
    entry.slug = path.split('/').pop() ?? ''
  }
}

/** The new address of an entry: `/posts/<slug>` or the page's path. */
export function newPath(entry: Entry): string {
  return entry.type === 'page' ? entry.path : `/posts/${entry.slug}`
}
