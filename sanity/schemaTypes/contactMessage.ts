import {EnvelopeIcon} from '@sanity/icons'
import {defineField, defineType} from 'sanity'

export const CONTACT_STATUSES = ['new', 'handled'] as const
export const DELIVERY_STATES = ['not-configured', 'pending', 'sent', 'failed'] as const

/**
 * A message sent through the contact form. Readers write it; editors only change `status`.
 * Live-edit: no drafts; ids are private (`contact.<uuid>`), so only token holders can read them.
 */
export const contactMessageType = defineType({
  name: 'contactMessage',
  title: 'Contact message',
  type: 'document',
  icon: EnvelopeIcon,
  liveEdit: true,
  fields: [
    defineField({
      name: 'status',
      title: 'Status',
      type: 'string',
      options: {
        list: [
          {title: 'New', value: 'new'},
          {title: 'Handled', value: 'handled'},
        ],
        layout: 'radio',
      },
      initialValue: 'new',
      validation: (rule) => rule.required(),
    }),
    defineField({name: 'name', title: 'Name', type: 'string', readOnly: true}),
    defineField({name: 'email', title: 'E-mail', type: 'string', readOnly: true, validation: (rule) => rule.email()}),
    defineField({name: 'subject', title: 'Subject', type: 'string', readOnly: true}),
    defineField({name: 'message', title: 'Message', type: 'text', rows: 8, readOnly: true}),
    defineField({name: 'receivedAt', title: 'Received at', type: 'datetime', readOnly: true}),
    defineField({
      name: 'post',
      title: 'Sent from post',
      type: 'reference',
      to: [{type: 'post'}],
      weak: true,
      readOnly: true,
    }),
    defineField({
      name: 'delivery',
      title: 'E-mail delivery',
      type: 'object',
      readOnly: true,
      fields: [
        defineField({name: 'state', title: 'State', type: 'string', options: {list: [...DELIVERY_STATES]}}),
        defineField({name: 'attempts', title: 'Attempts', type: 'number'}),
        defineField({name: 'lastAttemptAt', title: 'Last attempt', type: 'datetime'}),
        defineField({name: 'error', title: 'Error', type: 'string'}),
      ],
    }),
  ],
  preview: {
    select: {name: 'name', subject: 'subject', email: 'email', status: 'status', receivedAt: 'receivedAt'},
    prepare({name, subject, email, status, receivedAt}) {
      const when = typeof receivedAt === 'string' ? receivedAt.slice(0, 16).replace('T', ' ') : ''
      return {
        title: subject || '(no subject)',
        subtitle: [status === 'new' ? '● new' : 'handled', name || email, when].filter(Boolean).join(' · '),
      }
    },
  },
  orderings: [{title: 'Newest first', name: 'receivedAtDesc', by: [{field: 'receivedAt', direction: 'desc'}]}],
})
