import {CodeIcon} from '@sanity/icons'
import {defineField, defineType} from 'sanity'

/** A block of source code inside a post body (rendered as <pre><code>, never executed). */
export const codeBlockType = defineType({
  name: 'codeBlock',
  title: 'Code block',
  type: 'object',
  icon: CodeIcon,
  fields: [
    defineField({
      name: 'language',
      title: 'Language',
      type: 'string',
      description: 'Used for the label and syntax class, e.g. "ts", "bash", "json".',
      validation: (rule) => rule.max(40),
    }),
    defineField({name: 'filename', title: 'File name', type: 'string', validation: (rule) => rule.max(200)}),
    defineField({
      name: 'code',
      title: 'Code',
      type: 'text',
      rows: 10,
      validation: (rule) => rule.required(),
    }),
  ],
  preview: {
    select: {language: 'language', filename: 'filename', code: 'code'},
    prepare({language, filename, code}) {
      return {
        title: filename || (typeof code === 'string' ? code.split('\n')[0] : 'Code'),
        subtitle: language ? `Code (${language})` : 'Code',
        media: CodeIcon,
      }
    },
  },
})
