import {CommentIcon} from '@sanity/icons'
import {defineField, defineType} from 'sanity'
import {webUrlRule} from './linkValidation'

export const PINGBACK_KINDS = ['pingback', 'webmention', 'internal'] as const
export const PINGBACK_STATUSES = ['pending', 'approved', 'spam'] as const

/**
 * A mention of a post from elsewhere (or from another post of this site). Written by the pingback,
 * webmention and publishing code; editors only moderate `status`. Live-edit: no drafts.
 */
export const pingbackType = defineType({
  name: 'pingback',
  title: 'Pingback',
  type: 'document',
  icon: CommentIcon,
  liveEdit: true,
  fields: [
    defineField({
      name: 'status',
      title: 'Status',
      type: 'string',
      options: {
        list: [
          {title: 'Awaiting moderation', value: 'pending'},
          {title: 'Approved (shown under the post)', value: 'approved'},
          {title: 'Spam', value: 'spam'},
        ],
        layout: 'radio',
      },
      initialValue: 'pending',
      validation: (rule) => rule.required(),
    }),
    defineField({
      name: 'kind',
      title: 'Kind',
      type: 'string',
      readOnly: true,
      options: {list: [...PINGBACK_KINDS]},
      validation: (rule) => rule.required(),
    }),
    defineField({name: 'sourceTitle', title: 'Source title', type: 'string', readOnly: true}),
    defineField({name: 'sourceSite', title: 'Source site', type: 'string', readOnly: true}),
    defineField({name: 'sourceUrl', title: 'Source URL', type: 'url', readOnly: true, validation: webUrlRule}),
    defineField({name: 'excerpt', title: 'Excerpt', type: 'text', rows: 3, readOnly: true}),
    defineField({
      name: 'target',
      title: 'Mentioned post',
      type: 'reference',
      to: [{type: 'post'}],
      weak: true,
      readOnly: true,
    }),
    defineField({name: 'targetUrl', title: 'Mentioned URL', type: 'url', readOnly: true, validation: webUrlRule}),
    defineField({name: 'receivedAt', title: 'Received at', type: 'datetime', readOnly: true}),
    defineField({name: 'verifiedAt', title: 'Verified at', type: 'datetime', readOnly: true}),
  ],
  preview: {
    select: {title: 'sourceTitle', site: 'sourceSite', url: 'sourceUrl', status: 'status', target: 'target.title'},
    prepare({title, site, url, status, target}) {
      return {
        title: [title || url || 'Untitled mention', site].filter(Boolean).join(' | '),
        subtitle: [status, target ? `→ ${target}` : null].filter(Boolean).join(' · '),
      }
    },
  },
  orderings: [{title: 'Newest first', name: 'receivedAtDesc', by: [{field: 'receivedAt', direction: 'desc'}]}],
})
