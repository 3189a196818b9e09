/**
 * `npm run lake -- import <file>`: a Sanity dataset archive (`.tar.gz` from `sanity dataset
 * export`) or plain NDJSON, written through the lake's API as transactions (lib/lake/connect.ts:
 * the running lake, or a private one), the way `sanity dataset import` writes to Sanity:
 * 1. every distinct `_sanityAsset` file is uploaded (same bytes, same asset id) and given the
 *    metadata assets.json keeps for it;
 * 2. documents get their asset references back and are committed in batches.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import type {SanityClient} from '@sanity/client'
import mime from 'mime-types'
import {connectToLake} from '../connect'
import type {ImportMode} from '../engine/types'
import {findPlaceholders, importableAssetFields, resolvePlaceholders, type Placeholder} from './placeholders'
import {isGzip, readArchive} from './tarball'

/** Per transaction: well under the lake's 10 MB write limit, few enough to report progress. */
const BATCH_DOCUMENTS = 500
const BATCH_BYTES = 4 * 1024 * 1024

export class ImportFileError extends Error {}

export interface ImportOptions {
  dataset: string
  mode: ImportMode
  log?: (line: string) => void
  onProgress?: (documents: number) => void
}

export interface ImportResult {
  documents: number
  assets: number
  /** Whether a running lake took the import (false: a private one was started for it). */
  throughRunningLake: boolean
}

interface Source {
  documents: Record<string, unknown>[]
  assetMap: Record<string, unknown>
  readAsset(placeholder: Placeholder): Buffer
}

export async function importDataset(dataDir: string, file: string, options: ImportOptions): Promise<ImportResult> {
  const source = isGzip(file) ? await archiveSource(file) : ndjsonSource(file)
  const placeholders = new Map<string, Placeholder>()
  for (const doc of source.documents) findPlaceholders(doc, placeholders)
  // Read every asset before writing anything: a missing file fails the import up front.
  const assetData = new Map([...placeholders].map(([key, placeholder]) => [key, source.readAsset(placeholder)] as const))

  const lake = await connectToLake(dataDir, {dataset: options.dataset, log: options.log})
  try {
    const assetIds = new Map<string, string>()
    for (const [key, placeholder] of placeholders) {
      assetIds.set(key, await uploadAsset(lake.client, placeholder, assetData.get(key)!, source.assetMap))
    }
    let written = 0
    for (const batch of batches(source.documents.map((doc) => resolvePlaceholders(doc, assetIds)))) {
      const transaction = lake.client.transaction()
      for (const doc of batch) {
        const document = doc as {_id: string; _type: string}
        if (options.mode === 'create') transaction.create(document)
        else if (options.mode === 'createOrReplace') transaction.createOrReplace(document)
        else transaction.createIfNotExists(document)
      }
      await transaction.commit({visibility: 'sync', tag: 'import'})
      written += batch.length
      options.onProgress?.(written)
    }
    return {documents: written, assets: placeholders.size, throughRunningLake: lake.shared}
  } finally {
    await lake.close()
  }
}

async function uploadAsset(client: SanityClient, placeholder: Placeholder, data: Buffer, assetMap: Record<string, unknown>): Promise<string> {
  const sha1 = crypto.createHash('sha1').update(data).digest('hex')
  const extra = importableAssetFields(assetMap[`${placeholder.kind}-${sha1}`])
  const filename = typeof extra.originalFilename === 'string' ? extra.originalFilename : path.posix.basename(placeholder.url)
  // Sanity's export leaves mimeType out (its API sniffs it again); the lake takes the declared type.
  const contentType = mime.lookup(filename) || undefined
  const asset = await client.assets.upload(placeholder.kind, data, {filename, contentType})
  if (Object.keys(extra).length > 0) await client.patch(asset._id).set(extra).commit({tag: 'import.asset-meta'})
  return asset._id
}

function* batches(documents: Record<string, unknown>[]): Generator<Record<string, unknown>[]> {
  let batch: Record<string, unknown>[] = []
  let bytes = 0
  for (const doc of documents) {
    const size = Buffer.byteLength(JSON.stringify(doc))
    if (batch.length > 0 && (batch.length >= BATCH_DOCUMENTS || bytes + size > BATCH_BYTES)) {
      yield batch
      batch = []
      bytes = 0
    }
    batch.push(doc)
    bytes += size
  }
  if (batch.length > 0) yield batch
}

function parseNdjson(text: string, label: string): Record<string, unknown>[] {
  const documents: Record<string, unknown>[] = []
  text.split('\n').forEach((line, index) => {
    if (!line.trim()) return
    let doc: unknown
    try {
      doc = JSON.parse(line)
    } catch (error) {
      throw new ImportFileError(`${label}:${index + 1}: not valid JSON (${(error as Error).message})`)
    }
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new ImportFileError(`${label}:${index + 1}: not a JSON object`)
    documents.push(doc as Record<string, unknown>)
  })
  return documents
}

async function archiveSource(file: string): Promise<Source> {
  const archive = await readArchive(file)
  return {
    documents: parseNdjson(archive.ndjson, `${file}: data.ndjson`),
    assetMap: archive.assetMap,
    readAsset(placeholder) {
      const relative = /^file:\/\/\.\/(.+)$/.exec(placeholder.url)?.[1]
      const data = relative ? archive.files.get(path.posix.normalize(relative)) : undefined
      if (!data) throw new ImportFileError(`${file}: the archive has no file for ${placeholder.kind}@${placeholder.url}`)
      return data
    },
  }
}

/** NDJSON may carry placeholders too: `file://./x` relative to the file's folder, or `file:///abs`. */
function ndjsonSource(file: string): Source {
  const base = path.dirname(path.resolve(file))
  return {
    documents: parseNdjson(fs.readFileSync(file, 'utf8'), file),
    assetMap: {},
    readAsset(placeholder) {
      const relative = /^file:\/\/\.\/(.+)$/.exec(placeholder.url)?.[1]
      let target: string
      if (relative) target = path.resolve(base, relative)
      else if (placeholder.url.startsWith('file:///')) target = fileURLToPath(placeholder.url)
      else throw new ImportFileError(`${placeholder.kind}@${placeholder.url}: only file:// assets are imported (the lake does not download from the web)`)
      if (!fs.existsSync(target)) throw new ImportFileError(`${file}: no such asset file ${target}`)
      return fs.readFileSync(target)
    },
  }
}
