import 'server-only'
import {sanityFetch} from '@/sanity/lib/fetch'
import {settingsQuery} from '@/sanity/lib/queries'
import {TAGS} from '@/lib/site/tags'
import type {SiteSettings} from '@/lib/site/types'

/** What the site shows before an editor has filled in Settings. */
export const DEFAULT_SETTINGS = {
  title: 'Dispatch',
  description: 'News and notes.',
  language: 'en',
  postsPerPage: 10,
} as const

/**
 * Site settings, always the published version (the layout renders them for every page, also
 * outside any request, e.g. while prerendering the Studio shell at build time).
 * If the content backend is unreachable the site still renders its chrome with defaults; the
 * page's own content fetch will surface the outage.
 */
export async function getSettings(): Promise<SiteSettings | null> {
  try {
    return await sanityFetch<SiteSettings | null>({query: settingsQuery, tags: [TAGS.settings], draft: false})
  } catch (error) {
    console.error('[site] could not load site settings:', error instanceof Error ? error.message : error)
    return null
  }
}

/** BCP 47 tag for `<html lang>`, validated (it lands in an attribute and in Intl calls). */
export function siteLanguage(settings: SiteSettings | null): string {
  const lang = settings?.language?.trim()
  return lang && /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/.test(lang) ? lang : DEFAULT_SETTINGS.language
}
