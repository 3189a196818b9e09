/**
 * `npm run lake -- export <file>`: every document of a dataset, as NDJSON or — when the file name
 * ends in `.tar.gz` / `.tgz` — as the archive `sanity dataset export` writes (asset documents turned
 * into files under images/ and files/, references into `_sanityAsset` placeholders, the rest of the
 * asset documents' fields in assets.json), so `sanity dataset import` can load it into Sanity.
 *
 * Reads the SQLite file directly (WAL: safe beside a running lake, and a consistent snapshot).
 */
import fs from 'node:fs'
import path from 'node:path'
import {readOriginal} from '../assets/store'
import {openEngine} from '../engine'
import type {SanityDocument} from '../engine/types'
import {archivePathOf, assetMapEntry, isAssetDocument, toPlaceholders} from './placeholders'
import {writeArchive, type ArchiveEntry} from './tarball'

export const isArchiveName = (file: string) => /\.(tar\.gz|tgz)$/i.test(file)

export interface ExportResult {
  documents: number
  assets: number
  /** Asset documents whose file is missing from the data dir (left out, as Sanity's export does). */
  missingAssets: string[]
}

export async function exportDataset(dataDir: string, file: string, options: {dataset: string}): Promise<ExportResult> {
  const engine = openEngine({file: path.join(dataDir, 'lake.sqlite')})
  try {
    // Snapshot first: the engine's export is a consistent view of one moment.
    const documents = [...engine.exportDocuments(options.dataset)]
    return isArchiveName(file) ? await writeDatasetArchive(dataDir, file, options.dataset, documents) : writeNdjson(file, documents)
  } finally {
    engine.close()
  }
}

function writeNdjson(file: string, documents: SanityDocument[]): ExportResult {
  const fd = fs.openSync(file, 'w')
  try {
    for (const doc of documents) fs.writeSync(fd, JSON.stringify(doc) + '\n')
  } finally {
    fs.closeSync(fd)
  }
  return {documents: documents.length, assets: 0, missingAssets: []}
}

async function writeDatasetArchive(dataDir: string, file: string, dataset: string, documents: SanityDocument[]): Promise<ExportResult> {
  const content = documents.filter((doc) => !isAssetDocument(doc))
  const assets = documents.filter(isAssetDocument)
  const assetMap: Record<string, unknown> = {}
  const missingAssets: string[] = []
  let written = 0

  async function* entries(): AsyncGenerator<ArchiveEntry> {
    yield {name: 'data.ndjson', data: Buffer.from(content.map((doc) => JSON.stringify(toPlaceholders(doc)) + '\n').join(''))}
    const files: ArchiveEntry[] = []
    for (const asset of assets) {
      const archivePath = archivePathOf(asset._id)
      const sha1 = typeof asset.sha1hash === 'string' ? asset.sha1hash : null
      const data = archivePath && sha1 ? await readOriginal(dataDir, sha1) : null
      if (!archivePath || !data) {
        missingAssets.push(asset._id)
        continue
      }
      const entry = assetMapEntry(asset)
      if (entry) assetMap[entry[0]] = entry[1]
      files.push({name: archivePath, data})
    }
    yield {name: 'assets.json', data: Buffer.from(JSON.stringify(assetMap))}
    for (const entry of files) {
      written++
      yield entry
    }
  }

  const slugDate = new Date().toISOString().replace(/[^a-z0-9]/gi, '-').toLowerCase()
  await writeArchive(file, `${dataset}-export-${slugDate}`, entries())
  return {documents: content.length, assets: written, missingAssets}
}
