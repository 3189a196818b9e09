import {ImageResponse} from 'next/og'
import {OG_SIZE, OgCard} from '@/components/site/OgCard'
import {DEFAULT_SETTINGS, getSettings} from '@/lib/site/settings'

/** Site-wide social card (home, lists); posts have their own. */
export const size = OG_SIZE
export const contentType = 'image/png'
export const alt = 'Site title card'
export const revalidate = 3600

export default async function SiteOpenGraphImage() {
  const settings = await getSettings()
  const title = settings?.title || DEFAULT_SETTINGS.title
  return new ImageResponse(<OgCard title={title} footer={(settings?.description || DEFAULT_SETTINGS.description).slice(0, 120)} />, size)
}
