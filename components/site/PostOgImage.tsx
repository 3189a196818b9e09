import {ImageResponse} from 'next/og'
import {OG_SIZE, OgCard} from '@/components/site/OgCard'
import {formatDate} from '@/lib/site/dates'
import {getPost} from '@/lib/site/posts'
import {DEFAULT_SETTINGS, getSettings, siteLanguage} from '@/lib/site/settings'

/** Per-post social card (title, first category, site name and date) for og:image and twitter:image. */
export async function postOgImage(rawSlug: string): Promise<ImageResponse> {
  const [post, settings] = await Promise.all([getPost(rawSlug), getSettings()])
  const site = settings?.title || DEFAULT_SETTINGS.title
  const title = (post?.title || site).slice(0, 200)
  const kicker = post?.categories?.[0]?.title ?? undefined
  const footer = post ? `${site} · ${formatDate(post.publishedAt, siteLanguage(settings))}` : site
  return new ImageResponse(<OgCard title={title} kicker={kicker} footer={footer} />, OG_SIZE)
}
