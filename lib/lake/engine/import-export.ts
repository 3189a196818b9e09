/**
 * `sanity dataset export` / `import` semantics: export yields every document as stored (system
 * fields included); import writes documents in batches, one transaction each, keeping the file's
 * `_createdAt`, `_updatedAt` and `_rev` when present.
 *
 * Documents come as objects or as JSON texts (the lines of an export file). A text the lake can
 * vouch for without parsing it (document-text.ts) is stored as it came, with the system fields it
 * lacks spliced in; any other text is parsed and goes the way an object does.
 */
import {documentOf} from './document-cache'
import type {DocumentTextFields} from './document-text'
import {invalidMutation, documentAlreadyExists} from './errors'
import {isValidDocumentId, resolveNewDocumentId} from './ids'
import {checkDepth, isPlainObject, isTimestamp, type AppliedMutations} from './mutations'
import {rawDocument, SplicedBytes} from './raw-document'
import {TextCheckSplit} from './text-check-pool'
import type {TransactionBody} from './engine'
import type {ImportMode, SanityDocument} from './types'

/** Documents per import transaction: large enough that commits (each an fsync) are a small part of the work... */
export const IMPORT_BATCH_SIZE = 2000
/** ...and at most this much JSON text in one (three batches are in memory at once: one read, one checked, one committing). */
export const IMPORT_BATCH_TEXT = 8 * 2 ** 20
const REVISION = /^[A-Za-z0-9._-]{1,128}$/

/**
 * How big an import's transactions are. Each is applied on the lake's thread in one go, so a lake
 * that serves readers meanwhile (the import route) takes smaller ones: shorter pauses for them,
 * a few more fsyncs for the import.
 */
export interface ImportBatchLimits {
  documents: number
  /** Bytes of JSON text (lines) per batch. */
  text: number
}
export const IMPORT_BATCH: ImportBatchLimits = {documents: IMPORT_BATCH_SIZE, text: IMPORT_BATCH_TEXT}

export function* exportDocuments(documents: readonly SanityDocument[]): Generator<SanityDocument> {
  // `documents` is the cache's snapshot array of handles: commits during a slow export do not
  // change it (they pin what the handles showed), and each is parsed only when its turn comes.
  for (const doc of documents) yield documentOf(doc)
}

/**
 * What an import takes: a document, or one document's JSON text (an NDJSON line), as a string or
 * as its UTF-8 bytes (a Buffer: stored as it came with no string of it made, if valid UTF-8;
 * otherwise decoded as a UTF-8 stream decoder would, invalid bytes replaced, and parsed).
 */
export type ImportItem = Record<string, unknown> | string | Uint8Array

export async function importDocuments(
  documents: Iterable<ImportItem> | AsyncIterable<ImportItem>,
  options: {mode: ImportMode; onProgress?: (count: number) => void; batch?: ImportBatchLimits},
  commitBatch: (body: TransactionBody) => Promise<void>,
): Promise<{count: number}> {
  if (!['create', 'createOrReplace', 'createIfNotExists'].includes(options?.mode)) {
    throw invalidMutation(0, `Import mode must be create, createOrReplace or createIfNotExists; got ${JSON.stringify(options?.mode)}`)
  }
  // A batch goes to the lake one batch late: batch n+1's texts are checked (mostly on a worker,
  // text-check-pool.ts) while batch n+2 is read and batch n commits. (Handed over at once, its
  // check overlapped nothing: batch n had committed while n+1 was being read.)
  const checks = new TextCheckSplit()
  const limits = options.batch ?? IMPORT_BATCH
  if (!(limits.documents >= 1 && limits.text >= 1)) throw new RangeError('Import batches need room for at least one document')
  let read = 0
  let count = 0
  let batch: ImportItem[] = []
  let batchText = 0
  let committing = null as Promise<void> | null
  let commitFailed = false
  /** Read whole and being checked, not handed to the lake yet. */
  let checking: {items: ImportItem[]; offset: number; checked: ReturnType<TextCheckSplit['start']>} | null = null
  const submit = async () => {
    if (!checking) return
    const {items, offset, checked} = checking
    checking = null
    await committing
    // Caught at once (awaited at the next submit): a failure must not surface as an unhandled rejection meanwhile.
    const commit = commitBatch(async (context) => importBatch(items, offset, options.mode, context, await checked.results())).then(() => {
      count += items.length
      options.onProgress?.(count)
    })
    committing = commit
    commit.catch(() => {
      commitFailed = true
    })
  }
  const flush = async () => {
    if (batch.length === 0) return
    const items = batch
    const offset = read
    batch = []
    batchText = 0
    read += items.length
    const checked = checks.start(items.map((item) => (typeof item === 'string' || item instanceof Uint8Array ? item : null)))
    await submit()
    checking = {items, offset, checked}
  }
  try {
    for await (const document of documents) {
      batch.push(document)
      if (typeof document === 'string' || document instanceof Uint8Array) batchText += document.length
      if (batch.length >= limits.documents || batchText >= limits.text) await flush()
    }
    await flush()
    await submit()
  } catch (error) {
    // The source failed: the batches it gave whole are written first, as if handed over at once
    // (not after a batch failed). Either way what is in flight settles, so when this rejects
    // `onProgress` has reported every document written.
    await committing?.catch(() => {})
    if (!commitFailed && checking) await submit().catch(() => {})
    await committing?.catch(() => {})
    throw error
  }
  await committing
  return {count}
}

function importBatch(
  items: ImportItem[],
  offset: number,
  mode: ImportMode,
  context: Parameters<TransactionBody>[0],
  checked: (DocumentTextFields | null)[],
): AppliedMutations {
  const outcome: AppliedMutations = {results: [], applied: []}
  for (const [position, item] of items.entries()) {
    const index = offset + position
    const fields = checked[position]
    const raw = fields && (typeof item === 'string' || item instanceof Uint8Array) ? storableText(item, fields, context) : null
    if (raw) {
      const existing = context.workingSet.get(raw._id)
      if (existing && mode === 'create') throw documentAlreadyExists(index, raw._id)
      if (existing && mode === 'createIfNotExists') {
        outcome.results.push({id: raw._id, operation: 'none'})
        continue
      }
      context.workingSet.put(raw._id, raw)
      outcome.applied.push({[mode]: raw})
      outcome.results.push({id: raw._id, operation: existing ? 'update' : 'create'})
      continue
    }
    const document = typeof item === 'string' ? parseLine(item, index) : item instanceof Uint8Array ? parseLine(decode(item), index) : item
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

function decode(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')
}

function parseLine(text: string, index: number): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    throw invalidMutation(index, `Import line ${index + 1} is not valid JSON: ${(error as Error).message}`)
  }
}

/**
 * `text` (which `fields` says is strict JSON the lake vouches for, document-text.ts) as a document
 * stored as it came, when it can be: with a
 * valid `_id` and `_type` and, for `_rev`/`_createdAt`/`_updatedAt`, either a valid value or none
 * (then the transaction's is spliced in, as the object path would set it). Null: parse it instead.
 */
function storableText(text: string | Uint8Array, fields: DocumentTextFields, context: Parameters<TransactionBody>[0]) {
  const {_id, _type} = fields
  if (_id === undefined || !isValidDocumentId(_id) || resolveNewDocumentId(_id) !== _id) return null
  if (_type === undefined || _type.trim() === '') return null
  const missing: DocumentTextFields = {}
  if (fields._rev === undefined) missing._rev = context.transactionId
  else if (!REVISION.test(fields._rev)) return null
  for (const key of ['_createdAt', '_updatedAt'] as const) {
    if (fields[key] === undefined) missing[key] = context.timestamp
    else if (!isTimestamp(fields[key])) return null
  }
  // Keys the text lacks, written first: no key appears twice.
  const added = JSON.stringify(missing)
  let stored: string | Buffer | SplicedBytes
  if (typeof text === 'string') {
    const trimmed = text.trim()
    stored = added === '{}' ? trimmed : `${added.slice(0, -1)},${trimmed.slice(1)}`
  } else {
    // (Vouched-for JSON: only JSON's whitespace can surround the object.)
    const trimmed = trimJsonWhitespace(Buffer.from(text.buffer, text.byteOffset, text.byteLength))
    stored = added === '{}' ? trimmed : new SplicedBytes(`${added.slice(0, -1)},`, trimmed.subarray(1))
  }
  return rawDocument(stored, {
    _id,
    _type,
    _rev: fields._rev ?? context.transactionId,
    _createdAt: fields._createdAt ?? context.timestamp,
    _updatedAt: fields._updatedAt ?? context.timestamp,
  })
}

function isJsonWhitespace(byte: number): boolean {
  return byte === 32 || byte === 10 || byte === 13 || byte === 9
}

function trimJsonWhitespace(bytes: Buffer): Buffer {
  let start = 0
  let end = bytes.length
  while (start < end && isJsonWhitespace(bytes[start])) start++
  while (end > start && isJsonWhitespace(bytes[end - 1])) end--
  return start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end)
}
