/**
 * `--undo [<id>]`: reverts imports exactly, from their run records (run.ts `RunRecord`): every
 * document a transaction created is deleted, every document it replaced is restored to the
 * revision it had before (read from the lake's history). Documents the import never wrote are
 * never touched.
 *
 * - no id: every import of this blog, newest first — the lake is as before the first import;
 *   then the record, and the images the imports stored that nothing references any more;
 * - the id of an import run (the summary prints it; it is the run's last transaction): that run;
 * - the id of one transaction of a run: that transaction only.
 *
 * Edits made in the Studio after the import to documents it wrote are reverted with it (they are
 * counted: `editedSince`). Records of imports made before run records existed hold only ids:
 * undoing them deletes those documents (and their drafts), as before.
 */
import {readManifest, type Manifest, type RecordedTransaction, type RunRecord} from './run'
import type {ImportSink, Mutation} from './sink'

const BATCH = 200

export interface UndoResult {
  found: boolean
  /** What was reverted: every import, one run, or one transaction. */
  scope: 'all' | 'run' | 'transaction' | null
  deletedDocuments: number
  restoredDocuments: number
  /** Documents changed after the import (their revision is not the import's): reverted all the same. */
  editedSince: number
  /** Previous versions the history no longer has: left as they are, listed. */
  missingHistory: string[]
  deletedAssets: number
  keptAssets: number
  transactionIds: string[]
}

const withoutSystemFields = (doc: Record<string, unknown> | null) =>
  doc && JSON.stringify(Object.fromEntries(Object.entries(doc).filter(([key]) => !['_rev', '_updatedAt', '_createdAt'].includes(key))))

/** Whether a document differs from what the import's transaction wrote (a later undo may have restored it as it was). */
async function changedSince(sink: ImportSink, id: string, importRevision: string): Promise<boolean> {
  const [[current], written] = await Promise.all([sink.getDocuments([id]), sink.documentAtRevision(id, importRevision)])
  return withoutSystemFields(current) !== withoutSystemFields(written)
}

export async function undoWordPressImport(sink: ImportSink, site: string, target?: string): Promise<UndoResult> {
  const manifest = await readManifest(sink, site)
  const result: UndoResult = {found: false, scope: null, deletedDocuments: 0, restoredDocuments: 0, editedSince: 0, missingHistory: [], deletedAssets: 0, keptAssets: 0, transactionIds: []}
  if (!manifest) return result

  const runs = manifest.runs ?? []
  const records = new Map<string, RunRecord>()
  const recordIds = runs.flatMap((run) => (run.record ? [run.record] : []))
  for (const [i, doc] of (await sink.getDocuments(recordIds)).entries()) if (doc) records.set(recordIds[i], doc as unknown as RunRecord)

  let selected: {run: Manifest['runs'][number]; transactions: RecordedTransaction[]}[]
  if (!target) {
    result.scope = 'all'
    selected = runs.map((run) => ({run, transactions: (run.record && records.get(run.record)?.transactions) || []}))
  } else {
    const run = runs.find((r) => r.id === target)
    if (run) {
      result.scope = 'run'
      selected = [{run, transactions: (run.record && records.get(run.record)?.transactions) || []}]
    } else {
      const owner = runs.find((r) => r.record && records.get(r.record)?.transactions.some((t) => t.transactionId === target))
      if (!owner) return result
      result.scope = 'transaction'
      selected = [{run: owner, transactions: records.get(owner.record!)!.transactions.filter((t) => t.transactionId === target)}]
    }
  }
  result.found = true

  // The state before the earliest selected transaction that touched each document.
  const before = new Map<string, {previous: string | null; written: string}>()
  for (const {transactions} of selected) {
    for (const transaction of transactions) {
      for (const id of transaction.created) if (!before.has(id)) before.set(id, {previous: null, written: transaction.transactionId})
      for (const entry of transaction.updated) {
        const space = entry.lastIndexOf(' ')
        const id = entry.slice(0, space)
        if (!before.has(id)) before.set(id, {previous: entry.slice(space + 1), written: transaction.transactionId})
      }
    }
  }
  const lastWrite = new Map<string, string>()
  for (const {transactions} of selected) for (const t of transactions) for (const id of [...t.created, ...t.updated.map((e) => e.slice(0, e.lastIndexOf(' ')))]) lastWrite.set(id, t.transactionId)

  const entries = [...before.entries()]
  for (let i = 0; i < entries.length; i += BATCH) {
    const slice = entries.slice(i, i + BATCH)
    const current = await sink.revisions(slice.map(([id]) => id))
    const mutations: Mutation[] = []
    for (const [j, [id, {previous}]] of slice.entries()) {
      if (current[j] !== null && current[j] !== lastWrite.get(id) && (await changedSince(sink, id, lastWrite.get(id)!))) result.editedSince++
      if (previous === null) {
        if (current[j] !== null) {
          mutations.push({delete: {id}})
          result.deletedDocuments++
        }
        // A draft an editor started from a document the import created goes with it (else it
        // would stay behind as a new, unpublished post).
        if (!id.startsWith('drafts.') && !id.startsWith('versions.') && !before.has(`drafts.${id}`)) {
          const [draft] = await sink.revisions([`drafts.${id}`])
          if (draft) {
            mutations.push({delete: {id: `drafts.${id}`}})
            result.deletedDocuments++
            result.editedSince++
          }
        }
        continue
      }
      const old = await sink.documentAtRevision(id, previous)
      if (!old) {
        result.missingHistory.push(id)
        continue
      }
      const restored: Record<string, unknown> = {...old}
      delete restored._rev
      delete restored._updatedAt
      mutations.push({createOrReplace: restored})
      result.restoredDocuments++
    }
    if (mutations.length) result.transactionIds.push(await sink.commit(mutations))
  }

  // Records of imports made before run records existed: their documents (and drafts) are deleted.
  if (result.scope === 'all' && manifest.documentIds?.length) {
    const legacy = manifest.documentIds.flatMap((id) => (id.startsWith('drafts.') ? [id] : [id, `drafts.${id}`])).filter((id) => !before.has(id))
    for (let i = 0; i < legacy.length; i += BATCH) {
      const slice = legacy.slice(i, i + BATCH)
      const revisions = await sink.revisions(slice)
      const mutations: Mutation[] = slice.filter((_, j) => revisions[j] !== null).map((id) => ({delete: {id}}))
      if (mutations.length === 0) continue
      result.transactionIds.push(await sink.commit(mutations))
      result.deletedDocuments += mutations.length
    }
  }

  // Bookkeeping: the record forgets what was reverted.
  const bookkeeping: Mutation[] = []
  if (result.scope === 'transaction') {
    const {run, transactions} = selected[0]
    const record = records.get(run.record!)!
    bookkeeping.push({createOrReplace: {...record, transactions: record.transactions.filter((t) => t.transactionId !== transactions[0].transactionId)}})
  } else {
    const reverted = new Set(selected.map((s) => s.run))
    for (const {run} of selected) if (run.record && records.has(run.record)) bookkeeping.push({delete: {id: run.record}})
    const remaining = runs.filter((run) => !reverted.has(run))
    if (remaining.length === 0) bookkeeping.push({delete: {id: manifest._id}})
    else bookkeeping.push({createOrReplace: {...manifest, runs: remaining} as unknown as Record<string, unknown>})
  }
  result.transactionIds.push(await sink.commit(bookkeeping))

  // Images stored by the reverted runs that nothing uses any more.
  if (result.scope !== 'transaction') {
    const assetIds = new Set<string>(result.scope === 'all' ? manifest.assetIds : [])
    for (const {run} of selected) for (const id of (run.record && records.get(run.record)?.assetIds) || []) assetIds.add(id)
    for (const assetId of assetIds) {
      if ((await sink.countReferences(assetId)) > 0) {
        result.keptAssets++
        continue
      }
      const [revision] = await sink.revisions([assetId])
      if (!revision) continue
      result.transactionIds.push(await sink.commit([{delete: {id: assetId}}]))
      result.deletedAssets++
    }
  }
  return result
}

