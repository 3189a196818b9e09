/**
 * One import, start to finish: pass 1 (scan.ts) learns the export's attachments, slugs and paths;
 * taxonomies and authors are written first; pass 2 streams the items again, converting each post
 * or page (convert/), resolving its images (assets.ts), and writing documents in transactions of
 * up to BATCH documents, so memory stays flat whatever the export's size. The import's record
 * (`wordpressImport.<site>`: every id written, every transaction) makes re-runs and `--undo` exact.
 */
import {convertBody} from './convert/body'
import type {ConvertContext, NoteKind} from './convert/context'
import {
  authorDocument,
  authorSlug,
  commentDocument,
  excerptOf,
  references,
  resolveImages,
  seoDescriptionOf,
  termDocument,
  wpDate,
} from './documents'
import {AssetResolver, type AssetResult} from './assets'
import {ids} from './ids'
import {alreadyNotified} from './mentions'
import {toItem, metaValue, type WxrItem, type WxrTerm} from './parse/records'
import {readWxr} from './parse/xml'
import {RedirectPlanner, oldPath} from './redirects'
import {assignAddresses, newPath, scanExport, slugify, type ExportIndex} from './scan'
import type {ImportSink, Mutation} from './sink'
import {ImportSummary} from './summary'
import type {Progress} from './progress'

const BATCH = 250

export interface ImportOptions {
  file: string
  sink: ImportSink
  /** The new site's public origin (pingback targets): NEXT_PUBLIC_SITE_URL. */
  siteUrl: string
  uploadsDir?: string | null
  /** Import every post and page as a draft (nothing goes live until an editor publishes). */
  drafts?: boolean
  progress?: (phase: 'scan' | 'import', total: number) => Progress
}

interface State {
  index: ExportIndex
  summary: ImportSummary
  sink: ImportSink
  assets: AssetResolver
  redirects: RedirectPlanner
  /** What each transaction of this run changed, for an exact undo (see RunRecord). */
  record: RecordedTransaction[]
  pending: Mutation[]
  authorRef: Map<string, string>
  termRef: Map<string, string>
  options: ImportOptions
}

async function flush(state: State, force = false) {
  if (state.pending.length === 0 || (!force && state.pending.length < BATCH)) return
  const batch = state.pending
  state.pending = []
  state.summary.transactionIds.push(await commitRecorded(state.sink, batch, state.record))
}

/** Commits a batch of createOrReplace mutations, noting which ids it created and which revisions it replaced. */
async function commitRecorded(sink: ImportSink, batch: Mutation[], record: RecordedTransaction[]): Promise<string> {
  const ids = [...new Set(batch.map((m) => (m.createOrReplace as {_id: string})._id))]
  const revisions = await sink.revisions(ids)
  const transactionId = await sink.commit(batch)
  record.push({
    _key: transactionId,
    transactionId,
    created: ids.filter((_, i) => revisions[i] === null),
    updated: ids.flatMap((id, i) => (revisions[i] === null ? [] : [`${id} ${revisions[i]}`])),
  })
  return transactionId
}

async function write(state: State, document: Record<string, unknown>) {
  state.pending.push({createOrReplace: document})
  await flush(state)
}

/** Documents of another origin (created in the Studio, or by another import) keyed by slug: reused, never overwritten. */
async function foreignBySlug(sink: ImportSink, types: string[], site: string): Promise<Map<string, Map<string, string>>> {
  const rows = await sink.slugs(types)
  const byType = new Map(types.map((type) => [type, new Map<string, string>()]))
  for (const row of rows ?? []) {
    if (!row.slug || row._id.startsWith(`wp-${site}-`) || row._id.startsWith(`drafts.wp-${site}-`)) continue
    byType.get(row._type)?.set(row.slug, row._id.replace(/^drafts\./, ''))
  }
  return byType
}

async function writeAuthors(state: State, logins: Set<string>) {
  const {index, summary} = state
  const foreign = (await foreignBySlug(state.sink, ['author'], index.site)).get('author')!
  for (const login of logins) {
    const author = index.authors.get(login) ?? {login, email: '', displayName: login, firstName: '', lastName: ''}
    const slug = authorSlug(author)
    const existing = foreign.get(slug)
    if (existing) {
      state.authorRef.set(login, existing)
      summary.skipped('authors', 'an author with the same slug already exists (posts linked to it)')
      continue
    }
    const document = authorDocument(index.site, author, slug)
    state.authorRef.set(login, document._id as string)
    await write(state, document)
    summary.imported('authors')
    for (const r of state.redirects.forAuthor(login, slug)) await writeRedirect(state, r)
  }
}

async function writeTerms(state: State) {
  const {index, summary} = state
  const categories = index.terms.filter((t) => t.taxonomy === 'category')
  const tags = index.terms.filter((t) => t.taxonomy === 'post_tag')
  for (const other of index.terms.filter((t) => t.taxonomy !== 'category' && t.taxonomy !== 'post_tag')) {
    summary.skipped('other items', `taxonomy "${other.taxonomy}" terms (the site has categories and tags only)`)
  }
  const foreignTerms = await foreignBySlug(state.sink, ['category', 'tag'], index.site)
  const foreignCategories = foreignTerms.get('category')!
  const foreignTags = foreignTerms.get('tag')!
  const bySlug = new Map(categories.map((c) => [c.slug, c]))
  const hierarchy = (term: WxrTerm, depth = 0): string => {
    const parent = term.parentSlug ? bySlug.get(term.parentSlug) : undefined
    return parent && depth < 20 ? `${hierarchy(parent, depth + 1)}/${term.slug}` : term.slug
  }
  for (const [list, kind, foreign] of [
    [categories, 'categories', foreignCategories],
    [tags, 'tags', foreignTags],
  ] as const) {
    for (const term of list) {
      const parent = term.parentSlug ? bySlug.get(term.parentSlug) : undefined
      const parentDoc = parent ? termDocument(index.site, parent) : undefined
      const document = termDocument(index.site, term, parentDoc ? (foreign.get(slugOf(parentDoc)) ?? (parentDoc._id as string)) : undefined)
      const slug = slugOf(document)
      const key = `${term.taxonomy}:${term.slug}`
      if (state.termRef.has(key)) continue
      const existing = foreign.get(slug)
      state.termRef.set(key, existing ?? (document._id as string))
      if (existing) summary.skipped(kind, `a ${kind === 'categories' ? 'category' : 'tag'} with the same slug already exists (posts linked to it)`)
      else {
        await write(state, document)
        summary.imported(kind)
      }
      const taxonomy = kind === 'categories' ? 'category' : 'tag'
      for (const r of state.redirects.forTerm(taxonomy, slug, kind === 'categories' ? hierarchy(term) : term.slug, term.termId)) await writeRedirect(state, r)
    }
  }
}

function slugOf(document: Record<string, unknown>): string {
  return (document.slug as {current: string}).current
}

async function writeRedirect(state: State, redirect: Record<string, unknown>) {
  await write(state, redirect)
  state.summary.imported('redirects')
}

/** A term an item uses but the export never declared (WordPress.com exports do this): created on the fly. */
async function termRefFor(state: State, domain: string, slug: string, name: string): Promise<string | null> {
  const taxonomy = domain === 'category' ? 'category' : domain === 'post_tag' ? 'post_tag' : null
  if (!taxonomy || !slug) return null
  const key = `${taxonomy}:${slug}`
  const known = state.termRef.get(key)
  if (known) return known
  // Kept for the rest of the run: flat copies, not slices pinning a chunk of the file (see scan.ts).
  slug = JSON.parse(JSON.stringify(slug)) as string
  name = JSON.parse(JSON.stringify(name)) as string
  state.index.terms.push({taxonomy, termId: '', slug, name: name || slug, parentSlug: '', description: ''})
  const document = termDocument(state.index.site, {taxonomy, termId: '', slug, name: name || slug, parentSlug: '', description: ''})
  state.termRef.set(`${taxonomy}:${slug}`, document._id as string)
  await write(state, document)
  state.summary.imported(taxonomy === 'category' ? 'categories' : 'tags')
  return document._id as string
}

function convertContext(state: State, item: WxrItem, notes: [NoteKind, string][]): ConvertContext {
  const {index} = state
  const linkMap = linkRewriter(index)
  return {
    postId: item.id,
    attachment: (id) => index.attachments.get(id),
    attachmentsOf: (parent) => [...index.attachments.values()].filter((a) => a.parent === parent && /\.(jpe?g|png|gif|webp|avif)$/i.test(a.url)),
    reusableBlock: (id) => index.reusableBlocks.get(id),
    footnotes: () => footnotesOf(item),
    rewriteHref: linkMap,
    note: (kind, name) => notes.push([kind, name]),
  }
}

/** WordPress 6.3+ footnotes: the `footnotes` meta, a JSON list of {id, content (HTML)}. */
function footnotesOf(item: WxrItem): {id: string; content: string}[] {
  const raw = metaValue(item, 'footnotes')
  if (!raw) return []
  try {
    const list: unknown = JSON.parse(raw)
    return Array.isArray(list)
      ? list.flatMap((n) => (n && typeof n === 'object' && typeof (n as {content?: unknown}).content === 'string' ? [{id: String((n as {id?: unknown}).id ?? ''), content: (n as {content: string}).content}] : []))
      : []
  } catch {
    return []
  }
}

const rewriters = new WeakMap<ExportIndex, (href: string) => string>()
/** Links to the old blog's posts and pages point to their new paths. */
function linkRewriter(index: ExportIndex): (href: string) => string {
  const cached = rewriters.get(index)
  if (cached) return cached
  const byPath = new Map<string, string>()
  for (const entry of index.entries.values()) {
    if (!entry.slug && !entry.path) continue
    const from = oldPath(entry.link, index)
    if (from) byPath.set(from, newPath(entry))
    byPath.set(`/?${entry.type === 'page' ? 'page_id' : 'p'}=${entry.id}`, newPath(entry))
  }
  const rewrite = (href: string) => {
    const path = oldPath(href, index)
    if (!path) return href
    const hash = href.includes('#') ? href.slice(href.indexOf('#')) : ''
    const target = byPath.get(path)
    return target ? `${target}${hash}` : href
  }
  rewriters.set(index, rewrite)
  return rewrite
}

function absoluteUrl(index: ExportIndex, src: string): string {
  try {
    return new URL(src, `${index.siteUrl || 'http://old.invalid'}/`).toString()
  } catch {
    return src
  }
}

const SKIPPED_TYPES: Record<string, string> = {
  attachment: 'media library items (imported as images where posts use them)',
  nav_menu_item: 'navigation menu items (menus are not imported; the site builds its navigation from categories)',
  wp_block: 'reusable blocks (their content is imported where posts use them)',
  revision: 'revisions (only the current version is imported)',
}

async function importItem(state: State, item: WxrItem) {
  const {index, summary, options} = state
  const where = `${index.file}:${item.line} (${item.type} ${item.id} "${item.title.slice(0, 60)}")`
  if (item.type !== 'post' && item.type !== 'page') {
    if (item.type !== 'attachment') summary.skipped('other items', SKIPPED_TYPES[item.type] ?? `post type "${item.type}" (not part of the site)`)
    return
  }
  const kind = item.type === 'page' ? 'pages' : 'posts'
  const entry = index.entries.get(item.id)
  if (!entry || !item.id) {
    summary.failed(kind, where, 'no wp:post_id')
    return
  }
  if (!['publish', 'future', 'draft', 'pending', 'private'].includes(item.status)) {
    summary.skipped(kind, item.status === 'trash' ? 'in the WordPress trash' : `status "${item.status || 'none'}"`)
    return
  }
  const notes: [NoteKind, string][] = []
  const context = convertContext(state, item, notes)
  const converted = convertBody(item.content, context, 'b')
  for (const [noteKind, name] of new Map(notes.map(([k, n]) => [`${k}\u0000${n}`, [k, n] as const])).values()) summary.note(noteKind, name)
  if (converted.lostWords > 0) summary.warn(`${where}: ${converted.lostWords} word(s) of the content did not survive conversion (${converted.lostSample.join(', ')}); check the post`)

  const assets = new Map<string, AssetResult>()
  for (const member of converted.blocks) {
    if (member._type !== 'wpImage') continue
    const src = (member as {src: string}).src
    const result = await state.assets.resolve(absoluteUrl(index, src))
    assets.set(src, result)
    if (result && 'error' in result) summary.failed('images', where, `${result.error} (original URL kept)`)
    else if (!result) summary.skipped('images', state.assets.enabled ? 'file not in --uploads: original URL kept, shown as a link' : 'no --uploads folder: original URL kept, shown as a link')
  }
  const body = resolveImages(converted.blocks, assets, (src) => absoluteUrl(index, src), (id) => (id ? (index.attachments.get(id)?.alt ?? '') : ''))

  const date = wpDate(item.dateGmt, item.date, item.pubDate)
  if (date && !date.exact) summary.warn(`${where}: no GMT date; the local time ${item.date} was taken as UTC`)
  const publishedAt = date?.iso ?? new Date().toISOString()
  const isPublic = (item.status === 'publish' || item.status === 'future') && !item.password
  if (item.password) summary.warn(`${where}: password-protected in WordPress, imported as a draft`)
  const asDraft = options.drafts || !isPublic
  const baseId = item.type === 'page' ? ids.page(index.site, item.id) : ids.post(index.site, item.id)
  const documentId = asDraft ? `drafts.${baseId}` : baseId
  const seoDescription = seoDescriptionOf(item)
  const excerpt = excerptOf(item)
  if (excerpt.truncated) summary.warn(`${where}: excerpt longer than 300 characters, shortened`)

  let cover: Record<string, unknown> | undefined
  const thumbnailId = metaValue(item, '_thumbnail_id')
  const thumbnail = thumbnailId ? index.attachments.get(thumbnailId) : undefined
  if (thumbnail) {
    const result = await state.assets.resolve(absoluteUrl(index, thumbnail.url))
    if (result && 'assetId' in result) cover = {_type: 'image', asset: {_type: 'reference', _ref: result.assetId}, alt: thumbnail.alt || thumbnail.title || item.title}
    else summary.skipped('images', state.assets.enabled ? 'featured image file not in --uploads (post has no cover)' : 'featured image without --uploads (post has no cover)')
  }

  const document: Record<string, unknown> =
    item.type === 'page'
      ? {_id: documentId, _type: 'page', title: item.title || '(untitled)', path: entry.path, body, publishedAt, ...(seoDescription ? {seoDescription} : {})}
      : {
          _id: documentId,
          _type: 'post',
          title: item.title || '(untitled)',
          slug: {_type: 'slug', current: entry.slug},
          ...(excerpt.text ? {excerpt: excerpt.text} : {}),
          ...(cover ? {coverImage: cover} : {}),
          body,
          ...(state.authorRef.get(item.creator) ? {author: {_type: 'reference', _ref: state.authorRef.get(item.creator)}} : {}),
          categories: references(await refs(state, item, 'category')),
          tags: references(await refs(state, item, 'post_tag')),
          publishedAt,
          pingsOpen: item.pingStatus !== 'closed',
          sticky: item.sticky,
          ...(seoDescription ? {seoDescription} : {}),
        }
  // WordPress pinged this post's links when it was published: the site must not ping them again.
  if (item.type === 'post' && item.status === 'publish') {
    for (const record of alreadyNotified({postId: baseId, slug: entry.slug, body: body as Record<string, unknown>[], siteUrl: options.siteUrl, publishedAt, oldUrl: item.link})) {
      await write(state, record)
    }
  }
  await write(state, document)
  summary.imported(kind)

  if (!asDraft) {
    const oldSlugs = (item.meta.get('_wp_old_slug') ?? []).map((s) => slugify(s)).filter(Boolean)
    for (const r of state.redirects.forEntry(item.id, item.type, item.link, oldSlugs, newPath(entry))) await writeRedirect(state, r)
  }

  const targetUrl = `${options.siteUrl.replace(/\/+$/, '')}${newPath(entry)}`
  for (const comment of item.comments) {
    const outcome = commentDocument(comment, {site: index.site, postId: baseId, targetUrl})
    if ('skip' in outcome) {
      summary.skipped(outcome.kind, outcome.skip)
      continue
    }
    if (outcome.kind !== 'comments' && item.type === 'page') {
      summary.skipped(outcome.kind, 'on a page (the site shows pingbacks under posts only)')
      continue
    }
    await write(state, outcome.document)
    summary.imported(outcome.kind)
    if (outcome.kind !== 'comments' && !outcome.approved) summary.note('pingbacks/trackbacks kept awaiting moderation (not shown)', outcome.kind)
  }
}

async function refs(state: State, item: WxrItem, domain: 'category' | 'post_tag'): Promise<string[]> {
  const out: string[] = []
  for (const term of item.terms.filter((t) => t.domain === domain)) {
    const ref = await termRefFor(state, domain, term.slug || slugify(term.name), term.name)
    if (ref) out.push(ref)
  }
  return out
}

/**
 * What one transaction of an import changed: the ids it created and, for documents that existed,
 * `"<id> <revision before>"`. Undo deletes the first and restores the second from the history.
 */
export interface RecordedTransaction {
  _key: string
  transactionId: string
  created: string[]
  updated: string[]
}

/** One run of the import (private `wordpressImport.wp-<site>.run-<n>`): its transactions and the images it stored. */
export interface RunRecord {
  _id: string
  _type: 'wordpressImportRun'
  site: string
  at: string
  file: string
  transactions: RecordedTransaction[]
  assetIds: string[]
}

export interface Manifest {
  _id: string
  _type: 'wordpressImport'
  siteUrl: string
  title: string
  /** Only in records of imports made before run records existed (undo falls back to deleting them). */
  documentIds?: string[]
  assetIds: string[]
  /** `id` names the run: the transaction that wrote this record, the last of the run. */
  runs: {id?: string; record?: string; at: string; file: string; transactionIds: string[]}[]
  nextRun?: number
}

export async function readManifest(sink: ImportSink, site: string): Promise<Manifest | null> {
  const [doc] = await sink.getDocuments([ids.manifest(site)])
  return (doc as unknown as Manifest) ?? null
}

export async function importWordPress(options: ImportOptions): Promise<{summary: ImportSummary; index: ExportIndex}> {
  const summary = new ImportSummary()
  const scanProgress = options.progress?.('scan', 1)
  const index = await scanExport(options.file, (bytes) => scanProgress?.update(bytes))
  scanProgress?.finish()
  for (const w of index.warnings) summary.warn(`${options.file}:${w.line}:${w.column}: ${w.message}`)
  if (!index.siteUrl) summary.warn(`${options.file}: the export names no site URL; old links cannot be recognised`)

  const foreignPosts = (await foreignBySlug(options.sink, ['post'], index.site)).get('post')!
  assignAddresses(index, new Set(foreignPosts.keys()))

  const state: State = {
    index,
    summary,
    sink: options.sink,
    assets: new AssetResolver(options.uploadsDir ?? null, options.sink),
    redirects: new RedirectPlanner(index),
    record: [],
    pending: [],
    authorRef: new Map(),
    termRef: new Map(),
    options,
  }
  if (!options.uploadsDir) summary.info.push('no --uploads folder given: images keep their original URLs (shown as links) and posts get no cover image')

  await writeTerms(state)
  const creators = new Set(index.authors.keys())
  await writeAuthors(state, creators)
  for (const r of state.redirects.feeds()) await writeRedirect(state, r)

  const total = index.itemCount
  const progress = options.progress?.('import', total)
  let done = 0
  let queue: WxrItem[] = []
  await readWxr(options.file, {
    onRecord: (kind, element, {line}) => {
      if (kind === 'item') queue.push(toItem(element, line))
    },
    afterChunk: async () => {
      const items = queue
      queue = []
      for (const item of items) {
        if (item.creator && !state.authorRef.has(item.creator) && (item.type === 'post' || item.type === 'page')) await writeAuthors(state, new Set([item.creator]))
        try {
          await importItem(state, item)
        } catch (error) {
          summary.failed(item.type === 'page' ? 'pages' : item.type === 'post' ? 'posts' : 'other items', `${options.file}:${item.line} (${item.type} ${item.id})`, (error as Error).message)
        }
        progress?.update(++done, item.title.slice(0, 30))
      }
    },
  })
  progress?.finish()

  // Images that were uploaded count once each, however many posts use them.
  summary.imported('images', state.assets.uploaded.size)
  if (index.attachments.size) {
    summary.info.push(`${index.attachments.size} media-library item(s) in the export: images are imported where posts and pages use them; other files (PDFs, audio) stay links to their original URL`)
  }
  await flush(state, true)

  const previous = await readManifest(options.sink, index.site)
  const runNumber = previous?.nextRun ?? (previous?.runs.length ?? 0) + 1
  const at = new Date().toISOString()
  const record: RunRecord = {
    _id: `${ids.manifest(index.site)}.run-${runNumber}`,
    _type: 'wordpressImportRun',
    site: index.siteUrl,
    at,
    file: options.file,
    transactions: state.record,
    assetIds: [...state.assets.uploaded],
  }
  const runTransactions = [...summary.transactionIds]
  const manifest = (runId: string): Manifest => ({
    _id: ids.manifest(index.site),
    _type: 'wordpressImport',
    siteUrl: index.siteUrl,
    title: index.channel.title,
    ...(previous?.documentIds ? {documentIds: previous.documentIds} : {}),
    assetIds: [...new Set([...(previous?.assetIds ?? []), ...state.assets.uploaded])],
    runs: [...(previous?.runs ?? []), {id: runId, record: record._id, at, file: options.file, transactionIds: [...runTransactions, runId]}],
    nextRun: runNumber + 1,
  })
  // The run's id is the id of the transaction that records it: chosen here, so the record can name it.
  const runId = `wpimport-${index.site.slice(0, 40)}-${runNumber}-${Date.now().toString(36)}`.replace(/[^a-zA-Z0-9._-]/g, '-')
  summary.transactionIds.push(
    await options.sink.commit(
      [{createOrReplace: record as unknown as Record<string, unknown>}, {createOrReplace: manifest(runId) as unknown as Record<string, unknown>}],
      {transactionId: runId},
    ),
  )
  summary.runId = runId
  return {summary, index}
}
