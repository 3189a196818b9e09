import {ArrowRightIcon} from '@sanity/icons'
import {defineField, defineType} from 'sanity'

/**
 * An old address that answers with a permanent redirect (301) to its new one: WordPress permalinks,
 * `?p=123`, old slugs, category/tag/feed paths. Content, not configuration, so it works on hosted
 * Sanity too; the site's proxy looks `from` up (lower-cased, no trailing slash, query kept for `?p=`).
 */
export const redirectType = defineType({
  name: 'redirect',
  title: 'Redirect',
  type: 'document',
  icon: ArrowRightIcon,
  fields: [
    defineField({
      name: 'from',
      title: 'From (old path)',
      type: 'string',
      description: 'A path on this site, e.g. /2009/03/05/hello or /?p=123',
      validation: (rule) => rule.required().regex(/^\/[^\s#]*$/, {name: 'path'}),
    }),
    defineField({
      name: 'to',
      title: 'To (new path)',
      type: 'string',
      validation: (rule) => rule.required().regex(/^\/[^\s]*$/, {name: 'path'}),
    }),
    defineField({name: 'source', title: 'Source', type: 'string', readOnly: true, description: 'Where the redirect came from, e.g. "wordpress"'}),
  ],
  preview: {select: {title: 'from', subtitle: 'to'}},
})
