/**
 * `--undo`: removes what imports of this export's blog wrote, using the import's record
 * (`wordpressImport.<site>`): every document id (and its draft), then the uploaded images no other
 * document references any more, then the record itself. Documents an editor created by hand are
 * never in the record, so they stay; edits an editor made to imported documents go with them.
 */
import {readManifest} from './run'
import type {ImportSink, Mutation} from './sink'

const BATCH = 500

export interface UndoResult {
  found: boolean
  deletedDocuments: number
  deletedAssets: number
  keptAssets: number
  transactionIds: string[]
}

export async function undoWordPressImport(sink: ImportSink, site: string): Promise<UndoResult> {
  const manifest = await readManifest(sink, site)
  const result: UndoResult = {found: Boolean(manifest), deletedDocuments: 0, deletedAssets: 0, keptAssets: 0, transactionIds: []}
  if (!manifest) return result
  const idsToDelete = manifest.documentIds.flatMap((id) => (id.startsWith('drafts.') ? [id] : [id, `drafts.${id}`]))
  for (let i = 0; i < idsToDelete.length; i += BATCH) {
    const slice = idsToDelete.slice(i, i + BATCH)
    const existing = (await sink.getDocuments(slice)).filter((d): d is Record<string, unknown> => d !== null)
    if (existing.length === 0) continue
    const mutations: Mutation[] = existing.map((d) => ({delete: {id: d._id as string}}))
    result.transactionIds.push(await sink.commit(mutations))
    result.deletedDocuments += existing.length
  }
  for (const assetId of manifest.assetIds) {
    const users = await sink.query<number>('count(*[references($id)])', {id: assetId})
    if (users > 0) {
      result.keptAssets++
      continue
    }
    const [asset] = await sink.getDocuments([assetId])
    if (!asset) continue
    result.transactionIds.push(await sink.commit([{delete: {id: assetId}}]))
    result.deletedAssets++
  }
  result.transactionIds.push(await sink.commit([{delete: {id: manifest._id}}]))
  return result
}
