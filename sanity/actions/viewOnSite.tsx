import {EyeOpenIcon, LaunchIcon} from '@sanity/icons'
import type {DocumentActionComponent} from 'sanity'
import {paths} from '@/lib/site/urls'
import {studioPath} from '@/sanity/env'

/**
 * "View on site" for posts (#16.5): the published page when the post is live, else its draft
 * preview in the Presentation tool. The Studio is served by the site itself, so site paths are
 * relative to the Studio's own origin.
 */
export const viewOnSiteAction: DocumentActionComponent = (props) => {
  const doc = (props.draft ?? props.published) as {slug?: {current?: string}; publishedAt?: string} | null
  const slug = doc?.slug?.current
  if (!slug) return null
  const publishedAt = (props.published as {publishedAt?: string} | null)?.publishedAt
  const live = Boolean(props.published) && !props.draft && typeof publishedAt === 'string' && Date.parse(publishedAt) <= Date.now()
  const href = live ? paths.post(slug) : `${studioPath}/presentation?preview=${encodeURIComponent(paths.post(slug))}`
  return {
    label: live ? 'View on site' : 'Preview',
    icon: live ? LaunchIcon : EyeOpenIcon,
    onHandle: () => {
      window.open(href, live ? '_blank' : '_self', 'noopener')
      props.onComplete()
    },
  }
}
