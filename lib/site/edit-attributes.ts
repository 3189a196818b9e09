import {createDataAttribute} from 'next-sanity'
import {dataset, projectId, studioPath} from '@/lib/env'

/**
 * Click-to-edit for the Studio's Presentation tool where stega cannot reach. In draft mode every
 * string a page shows carries a stega-encoded edit link (sanity/lib/client.ts, from the query's
 * Content Source Map) and `<VisualEditing />` draws overlays from those; values without text — an
 * image — get an explicit `data-sanity` attribute naming the document and field instead. Outside
 * draft mode readers get no attribute at all.
 */
export type EditTarget = {id: string; type: string}

export function editAttributes(draft: boolean, target: EditTarget, path: string): {'data-sanity'?: string} {
  if (!draft) return {}
  return {
    'data-sanity': createDataAttribute({projectId, dataset, baseUrl: studioPath, id: target.id, type: target.type, path}).toString(),
  }
}
