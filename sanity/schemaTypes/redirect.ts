import {ArrowRightIcon} from '@sanity/icons'
import {defineField, defineType} from 'sanity'

/**
 * An old address that answers with a permanent redirect (301) to its new one: WordPress permalinks,
 * `?p=123`, old slugs, category/tag/feed paths. Content, not configuration, so it works on hosted
 * Sanity too; the site's proxy looks each `from` path up (lower-cased, no trailing slash, query kept
 * for `?p=`). One document per new address, listing all its old paths.
 */
export const redirectType = defineType({
  name: 'redirect',
  title: 'Redirect',
  type: 'document',
  icon: ArrowRightIcon,
  fields: [
    defineField({
      name: 'from',
      title: 'From (old paths)',
      type: 'array',
      of: [{type: 'string'}],
      description: 'Paths on this site, e.g. /2009/03/05/hello or /?p=123 (lower case, no trailing slash)',
      validation: (rule) =>
        rule.required().min(1).custom((paths) =>
          Array.isArray(paths) && paths.every((p) => typeof p === 'string' && /^\/[^\s#]*$/.test(p)) ? true : 'Each path starts with / and has no spaces',
        ),
    }),
    defineField({
      name: 'to',
      title: 'To (new path)',
      type: 'string',
      validation: (rule) => rule.required().regex(/^\/[^\s]*$/, {name: 'path'}),
    }),
    defineField({name: 'source', title: 'Source', type: 'string', readOnly: true, description: 'Where the redirect came from, e.g. "wordpress"'}),
  ],
  preview: {
    select: {from: 'from', to: 'to'},
    prepare({from, to}) {
      const list = Array.isArray(from) ? from : []
      return {title: list[0] ?? '(no path)', subtitle: `→ ${to ?? '?'}${list.length > 1 ? ` (+${list.length - 1} more)` : ''}`}
    },
  },
})
