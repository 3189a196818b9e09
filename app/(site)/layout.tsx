import type {ReactNode} from 'react'
import {SiteChrome} from '@/components/site/SiteChrome'

/** Every reader page sits in the site chrome (header, navigation, footer). */
export default function SiteLayout({children}: {children: ReactNode}) {
  return <SiteChrome>{children}</SiteChrome>
}
