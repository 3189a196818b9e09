import {BlockContentIcon, ImageIcon} from '@sanity/icons'
import {defineArrayMember, defineField, defineType} from 'sanity'
import {altTextField} from './altText'
import {linkHrefRule} from './linkValidation'

/**
 * The post body: Portable Text with exactly the members listed in docs/data-model.md. The site,
 * the feeds and the pingback excerpts all render from this one shape.
 */
export const blockContentType = defineType({
  name: 'blockContent',
  title: 'Body',
  type: 'array',
  icon: BlockContentIcon,
  of: [
    defineArrayMember({
      type: 'block',
      styles: [
        {title: 'Normal', value: 'normal'},
        {title: 'Heading 2', value: 'h2'},
        {title: 'Heading 3', value: 'h3'},
        {title: 'Heading 4', value: 'h4'},
        {title: 'Quote', value: 'blockquote'},
      ],
      lists: [
        {title: 'Bullet', value: 'bullet'},
        {title: 'Numbered', value: 'number'},
      ],
      marks: {
        decorators: [
          {title: 'Strong', value: 'strong'},
          {title: 'Emphasis', value: 'em'},
          {title: 'Code', value: 'code'},
          {title: 'Underline', value: 'underline'},
          {title: 'Strike', value: 'strike-through'},
        ],
        annotations: [
          defineArrayMember({
            name: 'link',
            title: 'Link',
            type: 'object',
            fields: [
              defineField({
                name: 'href',
                title: 'URL',
                type: 'url',
                description: 'http(s), mailto: or a path on this site such as /posts/some-post',
                validation: linkHrefRule,
              }),
              defineField({
                name: 'blank',
                title: 'Open in a new tab',
                type: 'boolean',
                initialValue: false,
              }),
            ],
          }),
        ],
      },
    }),
    defineArrayMember({
      type: 'image',
      icon: ImageIcon,
      options: {hotspot: true},
      fields: [
        altTextField(),
        defineField({name: 'caption', title: 'Caption', type: 'string', validation: (rule) => rule.max(300)}),
      ],
    }),
    defineArrayMember({type: 'codeBlock'}),
    defineArrayMember({type: 'embed'}),
    defineArrayMember({type: 'table'}),
    defineArrayMember({type: 'separator'}),
  ],
})
