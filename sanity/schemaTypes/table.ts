import {ThListIcon} from '@sanity/icons'
import {defineArrayMember, defineField, defineType} from 'sanity'

/**
 * A table inside a post or page body: rows of plain-text cells, the first row optionally a header
 * row (WordPress tables with a `<thead>`). The site renders a real `<table>` (header cells as
 * `<th scope="col">`), the feeds the same HTML. Edited in the Studio as a list of rows, each a list
 * of cells.
 */
export const tableType = defineType({
  name: 'table',
  title: 'Table',
  type: 'object',
  icon: ThListIcon,
  fields: [
    defineField({
      name: 'caption',
      title: 'Caption',
      type: 'string',
      description: 'Shown above the table and read out by screen readers as its name.',
      validation: (rule) => rule.max(300),
    }),
    defineField({
      name: 'headerRow',
      title: 'First row is a header',
      type: 'boolean',
      initialValue: false,
    }),
    defineField({
      name: 'rows',
      title: 'Rows',
      type: 'array',
      validation: (rule) => rule.required().min(1).max(500),
      of: [
        defineArrayMember({
          name: 'tableRow',
          title: 'Row',
          type: 'object',
          fields: [
            defineField({
              name: 'cells',
              title: 'Cells',
              type: 'array',
              of: [defineArrayMember({type: 'string'})],
              validation: (rule) => rule.max(50),
            }),
          ],
          preview: {
            select: {cells: 'cells'},
            prepare({cells}: {cells?: unknown}) {
              const list = Array.isArray(cells) ? cells.filter((c): c is string => typeof c === 'string') : []
              return {title: list.join(' | ') || 'Empty row', media: ThListIcon}
            },
          },
        }),
      ],
    }),
  ],
  preview: {
    select: {caption: 'caption', rows: 'rows'},
    prepare({caption, rows}: {caption?: string; rows?: unknown}) {
      const count = Array.isArray(rows) ? rows.length : 0
      const first = Array.isArray(rows) && Array.isArray((rows[0] as {cells?: unknown})?.cells) ? ((rows[0] as {cells: unknown[]}).cells.filter((c) => typeof c === 'string') as string[]) : []
      return {title: caption || first.join(' | ') || 'Table', subtitle: `Table, ${count} row${count === 1 ? '' : 's'}`, media: ThListIcon}
    },
  },
})
