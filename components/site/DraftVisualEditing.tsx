'use client'
import {VisualEditing} from 'next-sanity/visual-editing'
import {useRouter} from 'next/navigation'
import {useCallback} from 'react'

/**
 * Sanity's Visual Editing overlay for draft mode, refreshing the page when the Studio reports a
 * saved change. next-sanity's default ignores `mutation` refreshes (it expects `<SanityLive>` with
 * a browser token to do it); draft pages here are rendered uncached with the server's token, so a
 * `router.refresh()` shows the edit — no token in the browser. Rendered only in draft mode.
 */
export function DraftVisualEditing() {
  const router = useRouter()
  const refresh = useCallback(() => {
    router.refresh()
    // Presentation shows its loading state until this settles.
    return new Promise<void>((resolve) => setTimeout(resolve, 500))
  }, [router])
  return <VisualEditing refresh={refresh} />
}
