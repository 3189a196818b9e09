/**
 * `sanity dataset export` / `import` semantics: export yields every document as stored (system
 * fields included); import writes documents in batches, one transaction each, keeping the file's
 * `_createdAt`, `_updatedAt` and `_rev` when present.
 */
import {documentOf} from './document-cache'
import {invalidMutation, documentAlreadyExists} from './errors'
import {isValidDocumentId, resolveNewDocumentId} from './ids'
import {checkDepth, isPlainObject, isTimestamp, type AppliedMutations} from './mutations'
import type {TransactionBody} from './engine'
import type {ImportMode, SanityDocument} from './types'

/** Documents per import transaction: large enough that commits (each an fsync) are a small part of the work. */
export const IMPORT_BATCH_SIZE = 2000
const REVISION = /^[A-Za-z0-9._-]{1,128}$/

export function* exportDocuments(documents: readonly SanityDocument[]): Generator<SanityDocument> {
  // `documents` is the cache's snapshot array of handles: commits during a slow export do not
  // change it (they pin what the handles showed), and each is parsed only when its turn comes.
  for (const doc of documents) yield documentOf(doc)
}

export async function importDocuments(
  documents: Iterable<Record<string, unknown>>,
  options: {mode: ImportMode; onProgress?: (count: number) => void},
  commitBatch: (body: TransactionBody) => Promise<void>,
): Promise<{count: number}> {
  if (!['create', 'createOrReplace', 'createIfNotExists'].includes(options?.mode)) {
    throw invalidMutation(0, `Import mode must be create, createOrReplace or createIfNotExists; got ${JSON.stringify(options?.mode)}`)
  }
  let count = 0
  let batch: Record<string, unknown>[] = []
  const flush = async () => {
    if (batch.length === 0) return
    const documentsInBatch = batch
    const offset = count
    batch = []
    await commitBatch(async (context) => importBatch(documentsInBatch, offset, options.mode, context))
    count += documentsInBatch.length
    options.onProgress?.(count)
  }
  for (const document of documents) {
    batch.push(document)
    if (batch.length >= IMPORT_BATCH_SIZE) await flush()
  }
  await flush()
  return {count}
}

function importBatch(
  documents: Record<string, unknown>[],
  offset: number,
  mode: ImportMode,
  context: Parameters<TransactionBody>[0],
): AppliedMutations {
  const outcome: AppliedMutations = {results: [], applied: []}
  for (const [position, document] of documents.entries()) {
    const index = offset + position
    if (!isPlainObject(document)) throw invalidMutation(index, `Import line ${index + 1} is not a document object`)
    const id = resolveNewDocumentId(document._id)
    if (!isValidDocumentId(id)) throw invalidMutation(index, `Malformed document ID: ${JSON.stringify(id)}`)
    if (typeof document._type !== 'string' || document._type.trim() === '') {
      throw invalidMutation(index, `Document "${id}" is missing the required "_type" attribute`)
    }
    checkDepth(document, index, id)
    const existing = context.workingSet.get(id)
    if (existing && mode === 'create') throw documentAlreadyExists(index, id)
    if (existing && mode === 'createIfNotExists') {
      outcome.results.push({id, operation: 'none'})
      continue
    }
    const stored: SanityDocument = {
      ...document,
      _id: id,
      _type: document._type,
      _rev: typeof document._rev === 'string' && REVISION.test(document._rev) ? document._rev : context.transactionId,
      _createdAt: isTimestamp(document._createdAt) ? document._createdAt : context.timestamp,
      _updatedAt: isTimestamp(document._updatedAt) ? document._updatedAt : context.timestamp,
    }
    context.workingSet.put(id, stored)
    outcome.applied.push({[mode]: stored})
    outcome.results.push({id, operation: existing ? 'update' : 'create'})
  }
  return outcome
}
