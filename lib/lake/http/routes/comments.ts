/**
 * `POST /comments/{ds}/setup`: creates the comments addon dataset of `{ds}`, as the Studio asks
 * before the first comment in a project (sanity's AddonDatasetProvider). Sanity names it
 * `<ds>-comments` and lists it with `datasetProfile: 'comments', addonFor: '<ds>'` (routes/studio.ts
 * describes datasets that way); the Studio then reads, writes and listens to comment documents there
 * with the ordinary data API, so nothing else is comment-specific.
 *
 * A lake dataset exists once it holds a transaction: setup commits one that writes the addon's own
 * description (`_.addon`, a private system document no comment query matches), so the addon is
 * durably there (and listed to every editor) before the answer, even before its first comment.
 * Setting up again answers the same name and writes nothing.
 */
import type {LakeContext, Route, RouteRequest} from '../context'
import {datasetName} from '../params'
import {badRequest, sendJson} from '../respond'
import {requireWriter} from './data'

export const COMMENTS_ADDON_SUFFIX = '-comments'
const ADDON_DOCUMENT_ID = '_.addon'
/** Dataset names are at most 64 characters (params.ts); the addon's name must fit too. */
const MAX_DATASET_NAME = 64

export function commentsDatasetOf(dataset: string): string {
  return `${dataset}${COMMENTS_ADDON_SUFFIX}`
}

async function setup(ctx: LakeContext, r: RouteRequest, [rawDataset]: string[]) {
  const dataset = datasetName(rawDataset)
  const author = requireWriter(r)
  if (dataset.endsWith(COMMENTS_ADDON_SUFFIX)) throw badRequest(`"${dataset}" is a comments dataset itself; comments are set up for its content dataset`)
  const addon = commentsDatasetOf(dataset)
  if (addon.length > MAX_DATASET_NAME) throw badRequest(`Dataset name "${dataset}" is too long for a comments dataset ("${addon}" exceeds ${MAX_DATASET_NAME} characters)`)
  if (!ctx.engine.datasets().includes(addon))
    await ctx.engine.mutate(addon, [{createIfNotExists: {_id: ADDON_DOCUMENT_ID, _type: 'system.addonDataset', addonFor: dataset, datasetProfile: 'comments'}}], {author})
  sendJson(r.res, 200, {datasetName: addon, addonFor: dataset, datasetProfile: 'comments'})
}

export const commentRoutes: Route[] = [{method: 'POST', pattern: /^\/comments\/([^/]+)\/setup$/, handler: setup}]
