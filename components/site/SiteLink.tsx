'use client'
import Link from 'next/link'
import {createContext, use, type ComponentProps, type ReactNode} from 'react'

/**
 * `next/link` for every link on reader pages, with one difference: in draft mode it does not
 * prefetch. A prefetch of a draft page is a full uncached render on the server, and the router
 * prefetches every visible link again after each refresh — a dozen renders competing with the one
 * the editor is waiting for (the preview showing a saved edit). Readers keep prefetching as usual.
 */
const PrefetchAllowed = createContext(true)

/** Wraps the page in draft mode (SiteChrome): links inside stop prefetching. */
export function NoPrefetch({children}: {children: ReactNode}) {
  return <PrefetchAllowed value={false}>{children}</PrefetchAllowed>
}

export default function SiteLink(props: ComponentProps<typeof Link>) {
  const allowed = use(PrefetchAllowed)
  return <Link {...props} prefetch={allowed ? props.prefetch : false} />
}
