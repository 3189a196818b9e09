import 'server-only'
import {getSettings, siteLanguage, DEFAULT_SETTINGS} from '@/lib/site/settings'
import {pageSize} from '@/lib/site/pagination'

/** What most reader pages need from settings, resolved once. */
export async function siteContext() {
  const settings = await getSettings()
  return {
    settings,
    title: settings?.title || DEFAULT_SETTINGS.title,
    locale: siteLanguage(settings),
    pageSize: pageSize(settings?.postsPerPage ?? undefined),
  }
}
