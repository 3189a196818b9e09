import {WarningOutlineIcon} from '@sanity/icons'
import {defineField, defineType} from 'sanity'

/**
 * A pingback or Webmention the site refused after answering the sender (a Webmention is
 * answered 202 before its source is fetched), kept so editors can see what was refused and why
 * (#16.6). Written by lib/mentions/rejections.ts, deleted by it after REJECTION_RETENTION_DAYS;
 * private id (`rejected-mention.<hash>`), read-only, live-edit.
 */
export const rejectedMentionType = defineType({
  name: 'rejectedMention',
  title: 'Rejected mention',
  type: 'document',
  icon: WarningOutlineIcon,
  liveEdit: true,
  readOnly: true,
  fields: [
    defineField({name: 'reason', title: 'Why it was rejected', type: 'text', rows: 2}),
    defineField({name: 'kind', title: 'Kind', type: 'string', options: {list: ['pingback', 'webmention']}}),
    defineField({name: 'sourceUrl', title: 'Source URL', type: 'url'}),
    defineField({name: 'targetUrl', title: 'Mentioned URL', type: 'url'}),
    defineField({name: 'target', title: 'Mentioned post', type: 'reference', to: [{type: 'post'}], weak: true}),
    defineField({name: 'rejectedAt', title: 'Rejected at', type: 'datetime'}),
    defineField({name: 'attempts', title: 'Attempts', type: 'number'}),
  ],
  preview: {
    select: {url: 'sourceUrl', reason: 'reason', kind: 'kind', at: 'rejectedAt'},
    prepare({url, reason, kind, at}) {
      return {title: url || 'Unknown source', subtitle: [kind, typeof at === 'string' ? at.slice(0, 10) : null, reason].filter(Boolean).join(' · ')}
    },
  },
  orderings: [{title: 'Newest first', name: 'rejectedAtDesc', by: [{field: 'rejectedAt', direction: 'desc'}]}],
})
