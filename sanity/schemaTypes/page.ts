import {DocumentIcon} from '@sanity/icons'
import {defineField, defineType} from 'sanity'

/** A normalised site path: "/about" or "/about/team" (lower-case segments, no trailing slash). */
export const PAGE_PATH = /^(\/[a-z0-9\u00a0-\uffff._~%-]+)+$/

/**
 * A standalone page outside the post stream ("About", "Contact us"), served at its own path by the
 * site's catch-all route. WordPress pages arrive as these, keeping their old address.
 */
export const pageType = defineType({
  name: 'page',
  title: 'Page',
  type: 'document',
  icon: DocumentIcon,
  fields: [
    defineField({name: 'title', title: 'Title', type: 'string', validation: (rule) => rule.required().max(200)}),
    defineField({
      name: 'path',
      title: 'Path',
      type: 'string',
      description: 'Where the page lives, e.g. /about or /about/team. Must not clash with /posts, /category, /tag, /author.',
      validation: (rule) =>
        rule
          .required()
          .regex(PAGE_PATH, {name: 'path'})
          .custom((value) =>
            typeof value === 'string' && /^\/(posts|category|tag|author|archive|search|page|studio|api|contact)(\/|$)/.test(value)
              ? 'This path belongs to another part of the site'
              : true,
          ),
    }),
    defineField({name: 'body', title: 'Body', type: 'blockContent'}),
    defineField({name: 'seoDescription', title: 'Search description', type: 'text', rows: 2, validation: (rule) => rule.max(300)}),
    defineField({name: 'publishedAt', title: 'Published at', type: 'datetime'}),
  ],
  preview: {select: {title: 'title', subtitle: 'path'}},
})
