import {CogIcon} from '@sanity/icons'
import {defineField, defineType} from 'sanity'
import {altTextField} from './altText'

/** The one settings document (id `siteSettings`); the desk structure makes it a singleton. */
export const SITE_SETTINGS_ID = 'siteSettings'

export const siteSettingsType = defineType({
  name: 'siteSettings',
  title: 'Settings',
  type: 'document',
  icon: CogIcon,
  fields: [
    defineField({name: 'title', title: 'Site title', type: 'string', validation: (rule) => rule.required().max(120)}),
    defineField({name: 'description', title: 'Description', type: 'text', rows: 3, validation: (rule) => rule.max(500)}),
    defineField({
      name: 'language',
      title: 'Language',
      type: 'string',
      description: 'BCP 47 language tag, e.g. "en" or "es-VE".',
      initialValue: 'en',
      validation: (rule) =>
        rule
          .required()
          .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, {name: 'BCP 47 tag'})
          .error('Use a BCP 47 language tag such as "en" or "es-VE"'),
    }),
    defineField({
      name: 'contactBlurb',
      title: 'Contact blurb',
      type: 'string',
      description: 'The line shown before the contact address under each post.',
      validation: (rule) => rule.max(200),
    }),
    defineField({
      name: 'contactEmail',
      title: 'Contact e-mail',
      type: 'string',
      description: 'Where contact messages go (shown under each post).',
      validation: (rule) => rule.email(),
    }),
    defineField({
      name: 'ogImage',
      title: 'Social sharing image',
      type: 'image',
      fields: [altTextField()],
    }),
    defineField({
      name: 'postsPerPage',
      title: 'Posts per page',
      type: 'number',
      initialValue: 10,
      validation: (rule) => rule.required().integer().min(1).max(100),
    }),
    defineField({
      name: 'feedItemCount',
      title: 'Items in feeds',
      type: 'number',
      initialValue: 20,
      validation: (rule) => rule.required().integer().min(1).max(200),
    }),
    defineField({
      name: 'autoApprovePingbacks',
      title: 'Approve verified pingbacks automatically',
      type: 'boolean',
      description: 'When off, every pingback and webmention waits in "Pingbacks awaiting moderation".',
      initialValue: false,
    }),
  ],
  preview: {prepare: () => ({title: 'Settings', media: CogIcon})},
})
