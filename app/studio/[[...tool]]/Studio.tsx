'use client'

/**
 * `next-sanity/studio/client-component` is NextStudio without the bridge script that
 * `next-sanity/studio` injects from core.sanity-cdn.com: Dispatch's Studio must never load code
 * from outside this machine.
 */
import {NextStudio} from 'next-sanity/studio/client-component'
import config from '@/sanity.config'
import {LakeGate} from '@/sanity/components/LakeGate'
import {installLoopbackFetchGuard} from '@/sanity/components/loopbackFetchGuard'
import {browserApiHost, browserApiUsesProjectHostname, projectId} from '@/sanity/env'

// Local mode: the Studio must not call out (its version check would go to sanity-cdn.com).
if (browserApiHost) installLoopbackFetchGuard()

export function Studio() {
  const studio = <NextStudio config={config} />
  // Hosted Sanity needs no gate: its API is always there and publicly trusted.
  return browserApiHost ? <LakeGate apiHost={browserApiHost} projectId={browserApiUsesProjectHostname ? projectId : null}>{studio}</LakeGate> : studio
}
