/**
 * The embedded Sanity Studio. Every route under /studio renders it; the Studio routes itself.
 * See sanity.config.ts for its configuration.
 */
import {Studio} from './Studio'

export const dynamic = 'force-static'

export {metadata, viewport} from 'next-sanity/studio'

export default function StudioPage() {
  return <Studio />
}
