import type {Metadata} from 'next'
import {NotFoundMessage} from '@/components/site/NotFoundMessage'
import {SiteChrome} from '@/components/site/SiteChrome'

export const metadata: Metadata = {title: 'Page not found', robots: {index: false}}

/**
 * Any URL no route matches. Next prerenders this page to complete HTML (with the root layout's
 * `lang`), and the production server sends the same page when a route calls notFound() — see
 * lib/http/not-found-page.ts for why.
 */
export default function RootNotFound() {
  return (
    <SiteChrome>
      <NotFoundMessage />
    </SiteChrome>
  )
}
