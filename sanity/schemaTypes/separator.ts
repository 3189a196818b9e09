import {RemoveIcon} from '@sanity/icons'
import {defineField, defineType} from 'sanity'

/** A thematic break between parts of a post or page body (`<hr>` on the site and in feeds). */
export const separatorType = defineType({
  name: 'separator',
  title: 'Separator',
  type: 'object',
  icon: RemoveIcon,
  fields: [
    defineField({
      name: 'style',
      title: 'Style',
      type: 'string',
      options: {
        list: [
          {title: 'Line', value: 'line'},
          {title: 'Wide line', value: 'wide'},
          {title: 'Dots', value: 'dots'},
        ],
        layout: 'radio',
        direction: 'horizontal',
      },
      initialValue: 'line',
    }),
  ],
  preview: {
    select: {style: 'style'},
    prepare({style}: {style?: string}) {
      return {title: 'Separator', subtitle: style && style !== 'line' ? style : undefined, media: RemoveIcon}
    },
  },
})
