/**
 * WXR record trees (from xml.ts) → plain typed records. Field names follow WordPress's own
 * (`post_id`, `post_type`, `comment_approved`…) so the mapping stays checkable against the
 * wordpress-importer plugin's parser. Nothing here decides what to import; convert/ does.
 */
import {createHash} from 'node:crypto'
import {child, childrenNamed, childText, type XmlElement} from './xml'

export interface WxrAuthor {
  login: string
  email: string
  displayName: string
  firstName: string
  lastName: string
}

export interface WxrTerm {
  taxonomy: 'category' | 'post_tag' | string
  termId: string
  slug: string
  name: string
  parentSlug: string
  description: string
}

export interface WxrComment {
  id: string
  author: string
  authorEmail: string
  authorUrl: string
  authorIp: string
  dateGmt: string
  date: string
  content: string
  approved: string
  type: string
  parent: string
  userId: string
}

export interface WxrItem {
  title: string
  link: string
  pubDate: string
  creator: string
  guid: string
  description: string
  content: string
  excerpt: string
  id: string
  date: string
  dateGmt: string
  commentStatus: string
  pingStatus: string
  name: string
  status: string
  parent: string
  menuOrder: string
  type: string
  password: string
  sticky: boolean
  attachmentUrl: string
  /** `<category domain="category|post_tag|…" nicename="slug">Name</category>` */
  terms: {domain: string; slug: string; name: string}[]
  /** Post meta; a key may repeat (`_wp_old_slug`), so values are lists. */
  meta: Map<string, string[]>
  comments: WxrComment[]
  /** Line of the closing `</item>`, for messages. */
  line: number
}

export function toAuthor(element: XmlElement): WxrAuthor {
  return {
    login: childText(element, 'wp:author_login').trim(),
    email: childText(element, 'wp:author_email').trim(),
    displayName: childText(element, 'wp:author_display_name').trim(),
    firstName: childText(element, 'wp:author_first_name').trim(),
    lastName: childText(element, 'wp:author_last_name').trim(),
  }
}

/** `<wp:category>`, `<wp:tag>` and the generic `<wp:term>` (WXR 1.1+) as one shape. */
export function toTerm(element: XmlElement): WxrTerm {
  if (element.name === 'wp:category') {
    return {
      taxonomy: 'category',
      termId: childText(element, 'wp:term_id').trim(),
      slug: childText(element, 'wp:category_nicename').trim(),
      name: childText(element, 'wp:cat_name').trim(),
      parentSlug: childText(element, 'wp:category_parent').trim(),
      description: childText(element, 'wp:category_description').trim(),
    }
  }
  if (element.name === 'wp:tag') {
    return {
      taxonomy: 'post_tag',
      termId: childText(element, 'wp:term_id').trim(),
      slug: childText(element, 'wp:tag_slug').trim(),
      name: childText(element, 'wp:tag_name').trim(),
      parentSlug: '',
      description: childText(element, 'wp:tag_description').trim(),
    }
  }
  return {
    taxonomy: childText(element, 'wp:term_taxonomy').trim(),
    termId: childText(element, 'wp:term_id').trim(),
    slug: childText(element, 'wp:term_slug').trim(),
    name: childText(element, 'wp:term_name').trim(),
    parentSlug: childText(element, 'wp:term_parent').trim(),
    description: childText(element, 'wp:term_description').trim(),
  }
}

function toComment(element: XmlElement): WxrComment {
  return {
    id: childText(element, 'wp:comment_id').trim(),
    author: childText(element, 'wp:comment_author').trim(),
    authorEmail: childText(element, 'wp:comment_author_email').trim(),
    authorUrl: childText(element, 'wp:comment_author_url').trim(),
    authorIp: childText(element, 'wp:comment_author_IP').trim(),
    date: childText(element, 'wp:comment_date').trim(),
    dateGmt: childText(element, 'wp:comment_date_gmt').trim(),
    content: childText(element, 'wp:comment_content'),
    approved: childText(element, 'wp:comment_approved').trim(),
    type: childText(element, 'wp:comment_type').trim(),
    parent: childText(element, 'wp:comment_parent').trim(),
    userId: childText(element, 'wp:comment_user_id').trim(),
  }
}

/**
 * Hand-made and very old exports may lack `wp:post_id`: take the `?p=<id>` of the guid or link, else
 * a stable hash of them, so re-runs still map to the same documents.
 */
function fallbackId(element: XmlElement): string {
  const guid = childText(element, 'guid').trim()
  const link = childText(element, 'link').trim()
  const numeric = /[?&]p=(\d+)/.exec(guid) ?? /[?&]p=(\d+)/.exec(link)
  if (numeric) return numeric[1]
  const basis = guid || link || childText(element, 'title')
  return basis ? `h${createHash('sha1').update(basis).digest('hex').slice(0, 12)}` : ''
}

export function toItem(element: XmlElement, line: number): WxrItem {
  const meta = new Map<string, string[]>()
  for (const entry of childrenNamed(element, 'wp:postmeta')) {
    const key = childText(entry, 'wp:meta_key').trim()
    if (!key) continue
    const list = meta.get(key) ?? []
    list.push(childText(entry, 'wp:meta_value'))
    meta.set(key, list)
  }
  return {
    title: childText(element, 'title').trim(),
    link: childText(element, 'link').trim(),
    pubDate: childText(element, 'pubDate').trim(),
    creator: childText(element, 'dc:creator').trim(),
    guid: childText(element, 'guid').trim(),
    description: childText(element, 'description'),
    content: childText(element, 'content:encoded'),
    excerpt: childText(element, 'excerpt:encoded'),
    id: childText(element, 'wp:post_id').trim() || fallbackId(element),
    date: childText(element, 'wp:post_date').trim(),
    dateGmt: childText(element, 'wp:post_date_gmt').trim(),
    commentStatus: childText(element, 'wp:comment_status').trim(),
    pingStatus: childText(element, 'wp:ping_status').trim(),
    name: childText(element, 'wp:post_name').trim(),
    status: childText(element, 'wp:status').trim(),
    parent: childText(element, 'wp:post_parent').trim(),
    menuOrder: childText(element, 'wp:menu_order').trim(),
    type: childText(element, 'wp:post_type').trim() || 'post',
    password: childText(element, 'wp:post_password'),
    sticky: childText(element, 'wp:is_sticky').trim() === '1',
    attachmentUrl: childText(element, 'wp:attachment_url').trim(),
    terms: childrenNamed(element, 'category').map((c) => ({
      domain: c.attributes.domain ?? 'category',
      slug: (c.attributes.nicename ?? '').trim(),
      name: c.text.trim(),
    })),
    meta,
    comments: childrenNamed(element, 'wp:comment').map(toComment),
    line,
  }
}

export function metaValue(item: WxrItem, key: string): string | undefined {
  return item.meta.get(key)?.[0]
}

export {child}
