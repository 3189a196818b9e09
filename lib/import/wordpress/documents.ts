/**
 * WXR records → Dispatch documents (docs/data-model.md): posts, pages, authors, categories, tags,
 * pingbacks and private comments. Pure functions of the record and the export index; assets are
 * resolved by the caller (run.ts) through `resolveImages`.
 */
import {createHash} from 'node:crypto'
import {parseDocument} from './convert/dom'
import type {BodyMember} from './convert/body'
import type {PendingImage} from './convert/normalize'
import {ids, pingbackId} from './ids'
import {metaValue, type WxrAuthor, type WxrComment, type WxrItem, type WxrTerm} from './parse/records'
import {slugify, type Entry, type ExportIndex} from './scan'
import type {AssetResult} from './assets'

export const EXCERPT_MAX = 300

/** Meta keys where common SEO plugins keep the description (Yoast, AIOSEO, Rank Math, SEOPress, Genesis). */
const SEO_DESCRIPTION_KEYS = ['_yoast_wpseo_metadesc', '_aioseo_description', '_aioseop_description', 'rank_math_description', '_seopress_titles_desc', '_genesis_description']

export function htmlToText(html: string): string {
  if (!/[<&]/.test(html)) return html.replace(/\s+/g, ' ').trim()
  return (parseDocument(html).body.textContent ?? '').replace(/\s+/g, ' ').trim()
}

/** `2009-03-05 12:00:00` (GMT) → ISO; WordPress writes 0000-00-00 for never-published drafts. */
export function wpDate(gmt: string, local = '', rfc822 = ''): {iso: string; exact: boolean} | null {
  const parse = (value: string) => {
    if (!value || value.startsWith('0000')) return null
    const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(value)
    if (!match) return null
    const date = new Date(`${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}Z`)
    return Number.isNaN(date.getTime()) ? null : date.toISOString()
  }
  const gmtIso = parse(gmt)
  if (gmtIso) return {iso: gmtIso, exact: true}
  if (rfc822) {
    const date = new Date(rfc822)
    if (!Number.isNaN(date.getTime()) && date.getUTCFullYear() > 1970) return {iso: date.toISOString(), exact: true}
  }
  const localIso = parse(local)
  return localIso ? {iso: localIso, exact: false} : null
}

/** The excerpt: WordPress's own, else the teaser before `<!--more-->`; plain text, at most 300 characters. */
export function excerptOf(item: WxrItem): {text?: string; truncated: boolean} {
  let text = htmlToText(item.excerpt)
  if (!text) {
    const more = /<!--more(.*?)-->/.exec(item.content)
    if (more) text = htmlToText(item.content.slice(0, more.index).replace(/<!--[\s\S]*?-->/g, ''))
  }
  if (!text) return {truncated: false}
  if (text.length <= EXCERPT_MAX) return {text, truncated: false}
  const cut = text.slice(0, EXCERPT_MAX - 1)
  return {text: `${cut.slice(0, Math.max(cut.lastIndexOf(' '), EXCERPT_MAX - 40))}…`, truncated: true}
}

export function seoDescriptionOf(item: WxrItem): string | undefined {
  for (const key of SEO_DESCRIPTION_KEYS) {
    const value = metaValue(item, key)?.trim()
    if (value) return htmlToText(value).slice(0, 300)
  }
  return undefined
}

export function authorDocument(site: string, author: WxrAuthor, slug: string): Record<string, unknown> {
  const name = author.displayName || [author.firstName, author.lastName].filter(Boolean).join(' ') || author.login
  return {
    _id: ids.author(site, author.login),
    _type: 'author',
    name,
    slug: {_type: 'slug', current: slug},
    ...(author.email ? {email: author.email} : {}),
  }
}

export function authorSlug(author: WxrAuthor): string {
  return slugify(author.login.split('@')[0]) || slugify(author.displayName) || 'author'
}

export function termDocument(site: string, term: WxrTerm, parentId?: string): Record<string, unknown> {
  const isCategory = term.taxonomy === 'category'
  const slug = slugify(decodeURIComponentSafe(term.slug)) || slugify(term.name) || `term-${term.termId}`
  return {
    _id: isCategory ? ids.category(site, slug) : ids.tag(site, slug),
    _type: isCategory ? 'category' : 'tag',
    title: htmlToText(term.name) || slug,
    slug: {_type: 'slug', current: slug},
    ...(isCategory && term.description ? {description: htmlToText(term.description).slice(0, 500)} : {}),
    ...(parentId ? {parent: {_type: 'reference', _ref: parentId, _weak: true}} : {}),
  }
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}

/** Turns each pending image into an `image` with its asset, or — no file for it — an `embed` keeping the original URL. */
export function resolveImages(
  blocks: BodyMember[],
  assets: Map<string, AssetResult>,
  absolute: (src: string) => string,
  attachmentAlt: (id: string | undefined) => string,
): Record<string, unknown>[] {
  return blocks.map((member) => {
    if (member._type !== 'wpImage') return member as unknown as Record<string, unknown>
    const image = member as PendingImage & {_key: string}
    const alt = image.alt || attachmentAlt(image.attachmentId) || ''
    const asset = assets.get(image.src)
    if (asset && 'assetId' in asset) {
      return {
        _type: 'image',
        _key: image._key,
        asset: {_type: 'reference', _ref: asset.assetId},
        alt,
        ...(image.caption ? {caption: image.caption} : {}),
      }
    }
    const caption = image.caption || alt
    return {_type: 'embed', _key: image._key, url: absolute(image.src), ...(caption ? {caption} : {})}
  })
}

export interface MentionContext {
  site: string
  /** The imported post's id and public URL (pingback target). */
  postId: string
  targetUrl: string
}

export type CommentOutcome =
  | {kind: 'pingbacks' | 'trackbacks' | 'comments'; document: Record<string, unknown>; approved: boolean}
  | {kind: 'pingbacks' | 'trackbacks' | 'comments'; skip: string}

/** An approved pingback/trackback → an approved Pingback entry; other comments → private `wpComment` documents. */
export function commentDocument(comment: WxrComment, context: MentionContext): CommentOutcome {
  const type = comment.type === 'pingback' ? 'pingbacks' : comment.type === 'trackback' ? 'trackbacks' : 'comments'
  if (comment.approved === 'spam') return {kind: type, skip: 'marked as spam in WordPress'}
  if (comment.approved === 'trash' || comment.approved === 'post-trashed') return {kind: type, skip: 'in the WordPress trash'}
  const date = wpDate(comment.dateGmt, comment.date)
  const approved = comment.approved === '1' || comment.approved === 'approve'
  if (type === 'comments') {
    return {
      kind: type,
      approved,
      document: {
        _id: ids.comment(context.site, comment.id),
        _type: 'wpComment',
        authorName: htmlToText(comment.author),
        ...(comment.authorEmail ? {authorEmail: comment.authorEmail} : {}),
        ...(comment.authorUrl ? {authorUrl: comment.authorUrl} : {}),
        content: htmlToText(comment.content.replace(/<br\s*\/?>|<\/p>/gi, '\n')),
        ...(date ? {postedAt: date.iso} : {}),
        status: approved ? 'approved' : 'pending',
        post: {_type: 'reference', _ref: context.postId, _weak: true},
        wordpressId: comment.id,
        ...(comment.parent && comment.parent !== '0' ? {wordpressParentId: comment.parent} : {}),
      },
    }
  }
  const sourceUrl = comment.authorUrl.trim()
  if (!/^https?:\/\/[^\s]{1,2000}$/i.test(sourceUrl)) return {kind: type, skip: 'no valid source URL'}
  // WordPress names a pingback "Site name » Post title".
  const author = htmlToText(comment.author)
  const split = author.split(/\s+[»|–—]\s+/)
  const excerpt = htmlToText(comment.content).replace(/^\[…\]\s*|\s*\[…\]$/g, '').replace(/^\[\.\.\.\]\s*|\s*\[\.\.\.\]$/g, '')
  return {
    kind: type,
    approved,
    document: {
      _id: pingbackId(sourceUrl, context.targetUrl),
      _type: 'pingback',
      kind: 'pingback',
      status: approved ? 'approved' : 'pending',
      sourceUrl,
      sourceTitle: split.length > 1 ? split.slice(1).join(' » ') : author,
      ...(split.length > 1 ? {sourceSite: split[0]} : {}),
      ...(excerpt ? {excerpt: excerpt.slice(0, 500)} : {}),
      target: {_type: 'reference', _ref: context.postId, _weak: true},
      targetUrl: context.targetUrl,
      ...(date ? {receivedAt: date.iso} : {}),
    },
  }
}

/** References with stable keys (same term → same key on every run). */
export function references(idsList: string[]): {_type: 'reference'; _ref: string; _key: string}[] {
  return [...new Set(idsList)].map((ref) => ({_type: 'reference', _ref: ref, _key: createHash('sha1').update(ref).digest('hex').slice(0, 12)}))
}

export type {Entry, ExportIndex}
