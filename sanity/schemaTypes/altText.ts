import {defineField} from 'sanity'

/**
 * The `alt` field every image carries. It is required only once an image is actually chosen, so an
 * empty optional image field never blocks publishing.
 */
export function altTextField(options: {description?: string} = {}) {
  return defineField({
    name: 'alt',
    title: 'Alternative text',
    type: 'string',
    description:
      options.description ?? 'Describe the image for readers who cannot see it (screen readers, feeds, slow connections).',
    validation: (rule) =>
      rule.custom((alt, context) => {
        const parent = context.parent as {asset?: {_ref?: string}} | undefined
        if (parent?.asset?._ref && !(typeof alt === 'string' && alt.trim())) {
          return 'Alternative text is required when an image is set'
        }
        return true
      }),
  })
}
