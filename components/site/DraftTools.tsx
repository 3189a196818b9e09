'use client'
import dynamic from 'next/dynamic'

/**
 * What draft mode adds in the browser: Sanity's Visual Editing overlay (DraftVisualEditing) and the
 * refresh from the lake's draft events (DraftLiveRefresh). Rendered only in draft mode, and loaded
 * as its own chunk when rendered: client components a layout imports share one chunk, so importing
 * them directly would put their code on every reader page even though readers never render them.
 */
const DraftToolsInBrowser = dynamic(() => import('./DraftToolsInBrowser'), {ssr: false})

export function DraftTools() {
  return <DraftToolsInBrowser />
}
