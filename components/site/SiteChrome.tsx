import type {ReactNode} from 'react'
import {DraftModeBanner} from '@/components/site/DraftModeBanner'
import {DraftTools} from '@/components/site/DraftTools'
import {NoPrefetch} from '@/components/site/SiteLink'
import {SiteFooter} from '@/components/site/SiteFooter'
import {SiteHeader} from '@/components/site/SiteHeader'
import {sanityFetch, isDraftMode} from '@/sanity/lib/fetch'
import {navigationQuery} from '@/sanity/lib/queries'
import {siteContext} from '@/lib/site/context'
import {TAGS} from '@/lib/site/tags'
import {navigationCategories} from '@/lib/site/navigation'
import type {NavigationQueryResult} from '@/sanity/types'

/**
 * Reader chrome: skip link, header with navigation, footer; in draft mode the preview banner,
 * Sanity's Visual Editing overlay and the live refresh from the lake's draft events (the only
 * client JS beyond the framework and the navigation, and only for editors).
 * Used by the reader layout and by the root not-found page, which renders outside that layout.
 */
export async function SiteChrome({children}: {children: ReactNode}) {
  const [{settings, title}, draft] = await Promise.all([siteContext(), isDraftMode()])
  const categories = await sanityFetch<NavigationQueryResult>({
    query: navigationQuery,
    tags: [TAGS.category, TAGS.post],
    draft: false,
  })
    .then(navigationCategories)
    .catch(() => [])

  const page = (
    <>
      <a
        href="#main"
        className="sr-only z-50 rounded-md bg-zinc-900 px-4 py-2 text-white focus:not-sr-only focus:absolute focus:top-2 focus:left-2 dark:bg-zinc-100 dark:text-zinc-900"
      >
        Skip to content
      </a>
      {draft ? <DraftModeBanner /> : null}
      <SiteHeader title={title} description={settings?.description} categories={categories} />
      <main id="main" tabIndex={-1} className="mx-auto max-w-5xl px-4 py-10 outline-none sm:px-6">
        {children}
      </main>
      <SiteFooter title={title} />
      {draft ? <DraftTools /> : null}
    </>
  )
  // Draft pages are uncached renders: links in them do not prefetch (components/site/SiteLink.tsx).
  return draft ? <NoPrefetch>{page}</NoPrefetch> : page
}
