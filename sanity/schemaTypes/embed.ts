import {PlayIcon} from '@sanity/icons'
import {defineField, defineType} from 'sanity'
import {webUrlRule} from './linkValidation'

/** An external resource (video, social post, document) shown as a link card in the post body. */
export const embedType = defineType({
  name: 'embed',
  title: 'Embed',
  type: 'object',
  icon: PlayIcon,
  fields: [
    defineField({
      name: 'url',
      title: 'URL',
      type: 'url',
      validation: (rule) => webUrlRule(rule).required(),
    }),
    defineField({name: 'caption', title: 'Caption', type: 'string', validation: (rule) => rule.max(300)}),
  ],
  preview: {
    select: {url: 'url', caption: 'caption'},
    prepare({url, caption}) {
      return {title: caption || url || 'Embed', subtitle: caption ? url : 'Embed', media: PlayIcon}
    },
  },
})
