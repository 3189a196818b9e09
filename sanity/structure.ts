import {CogIcon, CommentIcon, DocumentTextIcon, EnvelopeIcon, FolderIcon, TagIcon, UserIcon, WarningOutlineIcon} from '@sanity/icons'
import type {StructureBuilder, StructureResolver} from 'sanity/structure'
import {REJECTION_RETENTION_DAYS} from '@/lib/mentions/retention'
import {apiVersion} from './env'
import {SITE_SETTINGS_ID} from './schemaTypes/siteSettings'

/** Document types with their own place in the desk; everything else is listed at the bottom. */
export const STRUCTURED_TYPES = ['siteSettings', 'post', 'author', 'category', 'tag', 'pingback', 'rejectedMention', 'contactMessage']

/** GROQ filters for the post sub-lists. `now()` makes "Scheduled" move into "Published" by itself. */
export const POST_FILTERS = {
  drafts: '_type == "post" && _id in path("drafts.**")',
  scheduled: '_type == "post" && !(_id in path("drafts.**")) && publishedAt > now()',
  published: '_type == "post" && !(_id in path("drafts.**")) && publishedAt <= now()',
} as const

const newestFirst = [{field: 'publishedAt', direction: 'desc' as const}]

function postsList(S: StructureBuilder) {
  const filtered = (id: string, title: string, filter: string) =>
    S.listItem()
      .id(id)
      .title(title)
      .schemaType('post')
      .child(
        S.documentList()
          .id(id)
          .title(title)
          .schemaType('post')
          .apiVersion(apiVersion)
          .filter(filter)
          .defaultOrdering(newestFirst),
      )
  return S.listItem()
    .id('posts')
    .title('Posts')
    .icon(DocumentTextIcon)
    .child(
      S.list()
        .id('posts')
        .title('Posts')
        .items([
          filtered('post-drafts', 'Drafts', POST_FILTERS.drafts),
          filtered('post-scheduled', 'Scheduled', POST_FILTERS.scheduled),
          filtered('post-published', 'Published', POST_FILTERS.published),
          S.divider(),
          S.listItem()
            .id('post')
            .title('All posts')
            .schemaType('post')
            .child(S.documentTypeList('post').title('All posts').defaultOrdering(newestFirst)),
        ]),
    )
}

function pingbackItems(S: StructureBuilder) {
  return [
    S.listItem()
      .id('pingbacks-pending')
      .title('Pingbacks awaiting moderation')
      .icon(CommentIcon)
      .schemaType('pingback')
      .child(
        S.documentList()
          .id('pingbacks-pending')
          .title('Awaiting moderation')
          .schemaType('pingback')
          .apiVersion(apiVersion)
          .filter('_type == "pingback" && status == "pending"')
          .defaultOrdering([{field: 'receivedAt', direction: 'desc'}]),
      ),
    S.listItem()
      .id('pingback')
      .title('All pingbacks')
      .icon(CommentIcon)
      .schemaType('pingback')
      .child(
        S.documentTypeList('pingback')
          .title('All pingbacks')
          .defaultOrdering([{field: 'receivedAt', direction: 'desc'}]),
      ),
    // Refused after the sender was answered, with the reason; deleted after REJECTION_RETENTION_DAYS.
    S.listItem()
      .id('rejectedMention')
      .title('Rejected pingbacks and Webmentions')
      .icon(WarningOutlineIcon)
      .schemaType('rejectedMention')
      .child(
        S.documentTypeList('rejectedMention')
          .title(`Rejected (kept ${REJECTION_RETENTION_DAYS} days)`)
          .defaultOrdering([{field: 'rejectedAt', direction: 'desc'}]),
      ),
  ]
}

export const structure: StructureResolver = (S) =>
  S.list()
    .title('Content')
    .items([
      S.listItem()
        .id(SITE_SETTINGS_ID)
        .title('Settings')
        .icon(CogIcon)
        .schemaType('siteSettings')
        .child(S.document().schemaType('siteSettings').documentId(SITE_SETTINGS_ID).title('Settings')),
      S.divider(),
      postsList(S),
      S.documentTypeListItem('author').title('Authors').icon(UserIcon),
      S.documentTypeListItem('category').title('Categories').icon(FolderIcon),
      S.documentTypeListItem('tag').title('Tags').icon(TagIcon),
      S.divider(),
      ...pingbackItems(S),
      S.listItem()
        .id('contactMessage')
        .title('Inbox')
        .icon(EnvelopeIcon)
        .schemaType('contactMessage')
        .child(
          S.documentTypeList('contactMessage')
            .title('Inbox')
            .defaultOrdering([{field: 'receivedAt', direction: 'desc'}]),
        ),
      ...S.documentTypeListItems().filter((item) => !STRUCTURED_TYPES.includes(item.getId() ?? '')),
    ])
