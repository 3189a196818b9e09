import {UserIcon} from '@sanity/icons'
import {defineArrayMember, defineField, defineType} from 'sanity'
import {altTextField} from './altText'
import {webUrlRule} from './linkValidation'

export const authorType = defineType({
  name: 'author',
  title: 'Author',
  type: 'document',
  icon: UserIcon,
  fields: [
    defineField({name: 'name', title: 'Name', type: 'string', validation: (rule) => rule.required().max(120)}),
    defineField({
      name: 'slug',
      title: 'Slug',
      type: 'slug',
      options: {source: 'name', maxLength: 96},
      validation: (rule) => rule.required(),
    }),
    defineField({name: 'image', title: 'Portrait', type: 'image', options: {hotspot: true}, fields: [altTextField()]}),
    defineField({
      name: 'bio',
      title: 'Biography',
      type: 'array',
      of: [defineArrayMember({type: 'block', styles: [{title: 'Normal', value: 'normal'}], lists: []})],
    }),
    defineField({name: 'url', title: 'Website', type: 'url', validation: webUrlRule}),
    defineField({
      name: 'email',
      title: 'E-mail',
      type: 'string',
      description: 'Not shown to readers.',
      validation: (rule) => rule.email(),
    }),
  ],
  preview: {select: {title: 'name', subtitle: 'email', media: 'image'}},
  orderings: [{title: 'Name', name: 'nameAsc', by: [{field: 'name', direction: 'asc'}]}],
})
