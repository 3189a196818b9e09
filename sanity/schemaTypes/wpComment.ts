import {CommentIcon} from '@sanity/icons'
import {defineField, defineType} from 'sanity'

/**
 * A reader comment brought over from WordPress. The site shows no comments; these are kept,
 * privately (`wpComment.…` ids are never served without a token), so nothing of the old blog is lost.
 */
export const wpCommentType = defineType({
  name: 'wpComment',
  title: 'Imported comment',
  type: 'document',
  icon: CommentIcon,
  liveEdit: true,
  readOnly: true,
  fields: [
    defineField({name: 'authorName', title: 'Author', type: 'string'}),
    defineField({name: 'authorEmail', title: 'E-mail', type: 'string'}),
    defineField({name: 'authorUrl', title: 'Website', type: 'string'}),
    defineField({name: 'content', title: 'Comment', type: 'text'}),
    defineField({name: 'postedAt', title: 'Posted at', type: 'datetime'}),
    defineField({name: 'status', title: 'Status in WordPress', type: 'string', options: {list: ['approved', 'pending', 'spam', 'trash']}}),
    defineField({name: 'post', title: 'On', type: 'reference', to: [{type: 'post'}, {type: 'page'}], weak: true}),
    defineField({name: 'wordpressId', title: 'WordPress comment id', type: 'string'}),
    defineField({name: 'wordpressParentId', title: 'In reply to (WordPress comment id)', type: 'string'}),
  ],
  preview: {
    select: {title: 'authorName', subtitle: 'content', post: 'post.title'},
    prepare({title, subtitle, post}) {
      return {title: `${title || 'Anonymous'}${post ? ` on ${post}` : ''}`, subtitle}
    },
  },
  orderings: [{title: 'Newest first', name: 'postedAtDesc', by: [{field: 'postedAt', direction: 'desc'}]}],
})
