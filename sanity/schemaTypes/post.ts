import {DocumentTextIcon} from '@sanity/icons'
import {defineArrayMember, defineField, defineType} from 'sanity'
import {BodyWordCount} from '../components/BodyWordCount'
import {SlugFromTitleInput} from '../components/SlugFromTitleInput'
import {slugify, SLUG_MAX_LENGTH} from '../lib/slugify'
import {altTextField} from './altText'

export const EXCERPT_MAX_LENGTH = 300

/**
 * Short status shown in lists. A draft (the list previews the draft when there is one) is never
 * "Live", whatever its date: only the published document is (#16.5).
 */
export function scheduleStatus(publishedAt: unknown, now: Date = new Date(), id?: unknown): string {
  if (typeof id === 'string' && id.startsWith('drafts.')) return 'Draft'
  if (typeof publishedAt !== 'string' || !publishedAt) return 'No date'
  const date = new Date(publishedAt)
  if (Number.isNaN(date.getTime())) return 'No date'
  return date > now ? 'Scheduled' : 'Live'
}

export const postType = defineType({
  name: 'post',
  title: 'Post',
  type: 'document',
  icon: DocumentTextIcon,
  groups: [
    {name: 'content', title: 'Content', default: true},
    {name: 'meta', title: 'Publishing'},
  ],
  fields: [
    defineField({
      name: 'title',
      title: 'Title',
      type: 'string',
      group: 'content',
      validation: (rule) => rule.required().max(200),
    }),
    defineField({
      name: 'slug',
      title: 'Slug',
      type: 'slug',
      group: 'content',
      description: 'The address of the post: /posts/<slug>. Changing it after publishing breaks links.',
      options: {source: 'title', maxLength: SLUG_MAX_LENGTH, slugify: (title: string) => slugify(title)},
      components: {input: SlugFromTitleInput},
      validation: (rule) => rule.required(),
    }),
    defineField({
      name: 'excerpt',
      title: 'Excerpt',
      type: 'text',
      rows: 3,
      group: 'content',
      description: `Shown in lists and feeds. At most ${EXCERPT_MAX_LENGTH} characters.`,
      validation: (rule) => rule.max(EXCERPT_MAX_LENGTH),
    }),
    defineField({
      name: 'coverImage',
      title: 'Cover image',
      type: 'image',
      group: 'content',
      options: {hotspot: true},
      fields: [altTextField()],
    }),
    defineField({name: 'body', title: 'Body', type: 'blockContent', group: 'content', components: {input: BodyWordCount}}),
    defineField({
      name: 'author',
      title: 'Author',
      type: 'reference',
      group: 'meta',
      to: [{type: 'author'}],
    }),
    defineField({
      name: 'categories',
      title: 'Categories',
      type: 'array',
      group: 'meta',
      of: [defineArrayMember({type: 'reference', to: [{type: 'category'}]})],
      validation: (rule) => rule.unique(),
    }),
    defineField({
      name: 'tags',
      title: 'Tags',
      type: 'array',
      group: 'meta',
      of: [defineArrayMember({type: 'reference', to: [{type: 'tag'}]})],
      validation: (rule) => rule.unique(),
    }),
    defineField({
      name: 'publishedAt',
      title: 'Published at',
      type: 'datetime',
      group: 'meta',
      description:
        'When readers first see the post. A date in the future schedules it: after publishing, it stays hidden from the site and the feeds until then.',
      initialValue: () => new Date().toISOString(),
      validation: (rule) => rule.required(),
    }),
    defineField({
      name: 'sticky',
      title: 'Sticky',
      type: 'boolean',
      group: 'meta',
      description: 'Kept from WordPress ("stick to the front page").',
      initialValue: false,
    }),
    defineField({
      name: 'seoDescription',
      title: 'Search description',
      type: 'text',
      rows: 2,
      group: 'meta',
      description: 'The description search engines and link previews show; the excerpt is used when empty.',
      validation: (rule) => rule.max(300),
    }),
    defineField({
      name: 'pingsOpen',
      title: 'Accept pingbacks and webmentions',
      type: 'boolean',
      group: 'meta',
      initialValue: true,
    }),
  ],
  preview: {
    // The Studio previews list items through the drafts perspective, which gives a draft the
    // published `_id` and keeps its own in `_originalId`: that one tells a draft apart (#16.5).
    select: {id: '_id', originalId: '_originalId', title: 'title', author: 'author.name', publishedAt: 'publishedAt', media: 'coverImage'},
    prepare({id, originalId, title, author, publishedAt, media}) {
      const date = typeof publishedAt === 'string' && publishedAt ? publishedAt.slice(0, 10) : 'no date'
      const parts = [author, date, scheduleStatus(publishedAt, new Date(), originalId ?? id)].filter(Boolean)
      return {title: title || 'Untitled', subtitle: parts.join(' · '), media}
    },
  },
  orderings: [
    {title: 'Newest first', name: 'publishedAtDesc', by: [{field: 'publishedAt', direction: 'desc'}]},
    {title: 'Oldest first', name: 'publishedAtAsc', by: [{field: 'publishedAt', direction: 'asc'}]},
    {title: 'Title', name: 'titleAsc', by: [{field: 'title', direction: 'asc'}]},
  ],
})
