import {createDataAttribute} from 'next-sanity'
import {dataset, projectId, studioPath} from '@/lib/env'

/**
 * Click-to-edit for the Studio's Presentation tool: in draft mode, elements carry a `data-sanity`
 * attribute naming the document and field they show; `<VisualEditing />` draws an overlay on them
 * that opens that field in the Studio. (Sanity can also derive this from stega-encoded strings,
 * which needs Content Source Maps from the query API; explicit attributes work on the local lake
 * and on hosted Sanity alike.) Outside draft mode readers get no attribute at all.
 */
export type EditTarget = {id: string; type: string}

export function editAttributes(draft: boolean, target: EditTarget, path: string): {'data-sanity'?: string} {
  if (!draft) return {}
  return {
    'data-sanity': createDataAttribute({projectId, dataset, baseUrl: studioPath, id: target.id, type: target.type, path}).toString(),
  }
}
