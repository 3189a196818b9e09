/**
 * `npm run lake -- import <file>`: a Sanity dataset archive (`.tar.gz` from `sanity dataset
 * export`) or plain NDJSON, written into the lake (lib/lake/connect.ts): through the running lake's
 * bulk import route (`POST /data/import/{dataset}`, a lake extension that hands the lines to its
 * engine's bulk import; /data/mutate transactions, as `sanity dataset import` writes, on request),
 * or, when no lake is running, straight into a private lake's engine in bulk (the lines stored as
 * they came):
 * 1. every distinct `_sanityAsset` file is uploaded (same bytes, same asset id) and given the
 *    metadata assets.json keeps for it;
 * 2. documents get their asset references back and are committed in batches.
 *
 * The NDJSON is streamed twice, never held: a first pass checks every line and collects the
 * placeholders (a bad line or a missing asset file fails the import before anything is written),
 * a second reads it again and writes batch by batch, so memory is bounded by a batch, not by the
 * file. Both read lines as bytes (no string of a line is made unless it names an asset or the lake
 * cannot vouch for it), each at most the lake's limit for one (MAX_IMPORT_LINE_BYTES: refused as
 * soon as a line passes it, never held whole). An archive is extracted to a temporary folder
 * first (removed afterwards).
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import {Readable} from 'node:stream'
import {fileURLToPath} from 'node:url'
import type {SanityClient} from '@sanity/client'
import mime from 'mime-types'
import {MAX_IMPORT_LINE_BYTES} from '../config'
import {connectToLake} from '../connect'
import {TextCheckSplit} from '../engine/text-check-pool'
import {LakeError, type Engine, type ImportMode} from '../engine/types'
import {findPlaceholders, importableAssetFields, resolvePlaceholders, type Placeholder} from './placeholders'
import {IMPORT_READ_CHUNK, isBlankLine, lineBuffers} from './ndjson-lines'
import {extractArchive, isGzip} from './tarball'

/** Per transaction: well under the lake's 10 MB write limit, few enough to report progress. */
const BATCH_DOCUMENTS = 500
const BATCH_BYTES = 4 * 1024 * 1024

/** Bad input (unreadable line, missing asset file): nothing was written. */
export class ImportFileError extends Error {}

/** The lake refused a batch: the batches before it are committed, this one and the rest are not. */
export class ImportWriteError extends Error {
  constructor(
    message: string,
    readonly written: number,
    readonly cause: unknown,
  ) {
    super(message)
  }
}

export interface ImportOptions {
  dataset: string
  mode: ImportMode
  log?: (line: string) => void
  /** Documents written so far; with `sent`, handed to a running lake's import route (written once it answers). */
  onProgress?: (documents: number, sent?: 'sent') => void
  /**
   * How a running lake is written to: its bulk import route (default), or `mutate`, transactions of
   * 500 documents through /data/mutate as `sanity dataset import` writes (for comparisons).
   */
  via?: 'route' | 'mutate'
  /** The longest line taken (bytes): the lake's import route's limit, MAX_IMPORT_LINE_BYTES, unless a test sets another. */
  maxLineBytes?: number
}

export interface ImportResult {
  documents: number
  assets: number
  /** Whether a running lake took the import (false: a private one was started for it). */
  throughRunningLake: boolean
}

interface Source {
  /** The NDJSON, readable once per call, and how its lines are named in errors. */
  ndjson(): fs.ReadStream
  label: string
  assetMap: Record<string, unknown>
  readAsset(placeholder: Placeholder): Buffer
  close(): void
}

export async function importDataset(dataDir: string, file: string, options: ImportOptions): Promise<ImportResult> {
  const source = isGzip(file) ? await archiveSource(file) : ndjsonSource(file)
  try {
    return await importFrom(source, dataDir, options)
  } finally {
    source.close()
  }
}

async function importFrom(source: Source, dataDir: string, options: ImportOptions): Promise<ImportResult> {
  // Pass 1: every line is a JSON object, every asset is readable, before anything is written.
  const {placeholders, total} = await checkLines(source, options)
  // Asset files are read one at a time (here to check, again at upload): a dataset's images
  // together may be far larger than memory.
  for (const placeholder of placeholders.values()) source.readAsset(placeholder)

  const lake = await connectToLake(dataDir, {dataset: options.dataset, log: options.log})
  try {
    const assetIds = new Map<string, string>()
    for (const [key, placeholder] of placeholders) {
      assetIds.set(key, await uploadAsset(lake.client, placeholder, source.readAsset(placeholder), source.assetMap))
    }
    // Pass 2: read again, resolve, write. A private lake takes the lines in bulk (its engine
    // stores them as they came, engine/import-export.ts); a running one through its bulk import
    // route, which hands them to the same engine import (http/routes/import.ts).
    const written = lake.engine
      ? await writeThroughEngine(lake.engine, source, assetIds, total, options)
      : options.via === 'mutate'
        ? await writeThroughApi(lake.client, source, assetIds, total, options)
        : ((await writeThroughImportRoute(lake.client, lake.httpUrl, source, assetIds, total, options)) ??
          // A lake from before the route (still running an older version): its API, as before.
          (await writeThroughApi(lake.client, source, assetIds, total, options)))
    return {documents: written, assets: placeholders.size, throughRunningLake: lake.shared}
  } finally {
    await lake.close()
  }
}

/** Lines checked per step of pass 1 (on the import check worker, engine/text-check-pool.ts), and their most text. */
const CHECK_BATCH = 2000
const CHECK_BATCH_TEXT = 8 * 2 ** 20

/**
 * Pass 1: a line the lake vouches for without parsing (and that names no asset) is fine as it is;
 * any other is parsed, must be an object, and has its asset placeholders collected.
 */
async function checkLines(source: Source, options: ImportOptions): Promise<{placeholders: Map<string, Placeholder>; total: number}> {
  const placeholders = new Map<string, Placeholder>()
  let total = 0
  let batch: NumberedBytes[] = []
  let batchText = 0
  const checks = new TextCheckSplit()
  const check = async () => {
    // The lines' bytes are checked as they are (no string of a line the lake vouches for is made).
    const fields = await checks.start(batch.map(({bytes}) => bytes)).results()
    for (const [i, line] of batch.entries()) {
      if (fields[i] && !line.bytes.includes(ASSET_KEY)) continue
      findPlaceholders(parseLine(source, {text: line.bytes.toString('utf8'), number: line.number}), placeholders)
    }
    total += batch.length
    batch = []
    batchText = 0
  }
  for await (const line of numberedBytes(source, options)) {
    batch.push(line)
    batchText += line.bytes.length
    if (batch.length >= CHECK_BATCH || batchText >= CHECK_BATCH_TEXT) await check()
  }
  await check()
  return {placeholders, total}
}

/** Pass 2 into a private lake: the lines go to the engine's bulk import, in its batches. */
async function writeThroughEngine(
  engine: Engine,
  source: Source,
  assetIds: ReadonlyMap<string, string>,
  total: number,
  options: ImportOptions,
): Promise<number> {
  let written = 0
  // The file line of each document handed over (the engine names failures by position).
  const lineOf: number[] = []
  // The lines as bytes (the engine checks and stores their UTF-8 itself: no string of each is made).
  async function* items(): AsyncGenerator<Uint8Array | Record<string, unknown>> {
    for await (const {bytes, number} of numberedBytes(source, options)) {
      lineOf.push(number)
      yield bytes.includes(ASSET_KEY) ? resolvePlaceholders(parseLine(source, {text: bytes.toString('utf8'), number}), assetIds) : bytes
    }
  }
  try {
    await engine.importDocuments(options.dataset, items(), {
      mode: options.mode,
      author: IMPORT_AUTHOR,
      onProgress: (count) => {
        written = count
        options.onProgress?.(count)
      },
    })
  } catch (error) {
    if (error instanceof ImportFileError) throw fileChanged(error, written, total)
    const body = error instanceof LakeError ? (error.body as {error?: {description?: unknown; items?: {index?: unknown}[]}}) : undefined
    const index = body?.error?.items?.[0]?.index
    if (typeof index !== 'number' || lineOf[index] === undefined) throw error
    const description = String(body?.error?.description ?? (error as Error).message)
    // Pass 1 accepted every line: one the engine now finds malformed was changed in between.
    if (/^Import line \d+ is not (valid JSON|a document object)/.test(description)) {
      throw fileChanged(new ImportFileError(`${source.label}:${lineOf[index]}: ${description.replace(/^Import line \d+ is /, '')}`), written, total)
    }
    // Batches commit in order: the failing one begins after the documents written.
    throw new ImportWriteError(
      `${description}\nThe import stopped at ${source.label}:${lineOf[index]}, in the batch beginning at line ${lineOf[written]}: ` +
        `${written} of ${total} documents were written before it, none after.`,
      written,
      error,
    )
  }
  return written
}

/** Body chunks of the import request: a few hundred kilobytes of lines each. */
const ROUTE_CHUNK_BYTES = 256 * 1024
const NEWLINE = Buffer.from('\n')
const IMPORT_MODE_FLAGS: Record<ImportMode, string> = {create: 'create', createOrReplace: 'replace', createIfNotExists: 'missing'}

/**
 * Pass 2 into the running lake: the lines streamed as one NDJSON body to its bulk import route
 * (`POST /data/import/{dataset}`, a lake extension), which commits them in the engine's batches and
 * answers once all are durable, or with the body line at fault and how many were written before it.
 * Null when the lake has no such route (nothing was written).
 */
async function writeThroughImportRoute(
  client: SanityClient,
  httpUrl: string,
  source: Source,
  assetIds: ReadonlyMap<string, string>,
  total: number,
  options: ImportOptions,
): Promise<number | null> {
  const {apiVersion, token} = client.config()
  const url = new URL(`/v${apiVersion}/data/import/${encodeURIComponent(options.dataset)}?mode=${IMPORT_MODE_FLAGS[options.mode]}`, httpUrl)
  // The body's lines are the file's, as its bytes (blank ones too: the lake skips them and numbers
  // its lines as the file does); a line naming an asset is sent with its reference put back.
  let sent = 0
  let sourceError: unknown
  async function* body(): AsyncGenerator<Buffer> {
    // Lines that follow one another in a chunk read go as one view of it (the newlines between
    // them included): the file's bytes are not copied (copying them all kept the collector busy).
    let run: Buffer | null = null
    let pieces: Buffer[] = []
    let size = 0
    try {
      for await (const {bytes, number} of numberedBytes(source, options, {blank: true})) {
        const blank = isBlankLine(bytes)
        if (!blank) sent++
        const line = !blank && bytes.includes(ASSET_KEY) ? Buffer.from(JSON.stringify(resolvePlaceholders(parseLine(source, {text: bytes.toString('utf8'), number}), assetIds))) : bytes
        if (run && followsInChunk(run, line)) run = Buffer.from(run.buffer, run.byteOffset, run.length + 1 + line.length)
        else {
          if (run) pieces.push(run, NEWLINE)
          run = line
        }
        size += line.length + 1
        if (size >= ROUTE_CHUNK_BYTES) {
          pieces.push(run, NEWLINE)
          run = null
          yield* pieces
          // Handed to the lake: at most a socket buffer and a batch or two ahead of what it committed.
          options.onProgress?.(sent, 'sent')
          pieces = []
          size = 0
        }
      }
      if (run) pieces.push(run, NEWLINE)
      yield* pieces
    } catch (error) {
      sourceError = error
      throw error
    }
  }
  let answer: {status: number; body: unknown}
  try {
    answer = await postStream(url, token ?? '', Readable.from(body()))
  } catch (error) {
    if (sourceError instanceof ImportFileError) throw fileChanged(sourceError, 0, total)
    throw sourceError ?? error
  }
  const result = answer.body as {documents?: unknown; error?: {description?: unknown; line?: unknown; written?: unknown}; message?: unknown}
  if (answer.status === 200 && typeof result.documents === 'number') {
    options.onProgress?.(result.documents)
    return result.documents
  }
  // No such route (a lake older than it): nothing was read or written; null says so.
  if (answer.status === 404 && (result.error as {type?: unknown} | undefined)?.type === 'httpNotFound') return null
  const reason = String(result.error?.description ?? result.message ?? `The lake answered ${answer.status}`)
  const line = typeof result.error?.line === 'number' && result.error.line >= 1 ? result.error.line : undefined
  const written = typeof result.error?.written === 'number' ? result.error.written : 0
  if (line === undefined) throw Object.assign(new ImportWriteError(`${reason}\nThe import was refused: nothing was written.`, 0, result), {body: result})
  const description = reason.replace(/^Line \d+(: )?/, '').replace(/\s*(The import stopped at line \d+|Nothing was written).*$/s, '')
  if (answer.status === 400 && /^is not (valid JSON|a document object)/.test(description)) {
    throw fileChanged(new ImportFileError(`${source.label}:${line}: ${description.replace(/^is /, '')}`), written, total)
  }
  throw new ImportWriteError(
    `${description}\nThe import stopped at ${source.label}:${line}: ${written} of ${total} documents were written before its batch, none after.`,
    written,
    result,
  )
}

/**
 * Whether `line` comes right after `run` in the same chunk read from the file, one newline between
 * them: then the chunk holds both and that newline. (Only a chunk's own memory, bigger than Buffer's
 * shared pool, is taken for it: in the pool the byte between two buffers may belong to a third.)
 */
function followsInChunk(run: Buffer, line: Buffer): boolean {
  const gap = run.byteOffset + run.length
  return (
    line.buffer === run.buffer &&
    line.byteOffset === gap + 1 &&
    run.buffer.byteLength > Buffer.poolSize &&
    new Uint8Array(run.buffer, gap, 1)[0] === 10
  )
}

/** POSTs a streamed body; resolves with the status and JSON answer (which may come before the body is all sent). */
function postStream(url: URL, token: string, body: Readable): Promise<{status: number; body: unknown}> {
  return new Promise((resolve, reject) => {
    let answered = false
    const request = http.request(url, {method: 'POST', headers: {authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson'}}, (response) => {
      answered = true
      // An early answer (a refused line): stop sending the rest.
      body.unpipe(request)
      body.destroy()
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('error', reject)
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        try {
          resolve({status: response.statusCode ?? 0, body: JSON.parse(text) as unknown})
        } catch {
          reject(new Error(`The lake answered ${response.statusCode} with ${text.slice(0, 200)}`))
        }
      })
    })
    // Writing into a connection the lake closed after answering early fails; the answer tells why.
    request.on('error', (error) => setTimeout(() => answered || reject(error), 50))
    body.on('error', (error) => request.destroy(error))
    body.pipe(request)
  })
}

/** Pass 2 into the running lake through /data/mutate, as `sanity dataset import` writes to Sanity. */
async function writeThroughApi(
  client: SanityClient,
  source: Source,
  assetIds: ReadonlyMap<string, string>,
  total: number,
  options: ImportOptions,
): Promise<number> {
  // (Reading the next batch while the lake commits one was tried: no gain, the lake sets the pace.)
  let written = 0
  try {
    for await (const batch of batches(documents(source, options), assetIds)) {
      const transaction = client.transaction()
      for (const {doc} of batch) {
        const document = doc as {_id: string; _type: string}
        if (options.mode === 'create') transaction.create(document)
        else if (options.mode === 'createOrReplace') transaction.createOrReplace(document)
        else transaction.createIfNotExists(document)
      }
      try {
        await transaction.commit({visibility: 'sync', tag: 'import'})
      } catch (error) {
        const reason = (error as {body?: {error?: {description?: string}}}).body?.error?.description ?? (error as Error).message ?? String(error)
        const lines = `${source.label}:${batch[0].line}-${batch[batch.length - 1].line}`
        throw new ImportWriteError(`${reason}\nThe import stopped at the batch of lines ${lines}: ${written} of ${total} documents were written before it, none after.`, written, error)
      }
      written += batch.length
      options.onProgress?.(written)
    }
  } catch (error) {
    if (error instanceof ImportFileError) throw fileChanged(error, written, total)
    throw error
  }
  return written
}

/** A line the first pass accepted fails now only if the file changed in between. */
function fileChanged(error: ImportFileError, written: number, total: number): ImportFileError {
  return new ImportFileError(`${error.message} (the file changed during the import: ${written} of ${total} documents were written)`)
}

const ASSET_KEY = '"_sanityAsset"'
const IMPORT_AUTHOR = 'lake-cli'

interface NumberedLine {
  text: string
  /** 1-based line number in the NDJSON. */
  number: number
}

interface NumberedBytes {
  /** The line's UTF-8 as read (a view of the chunk read when it lies within one). */
  bytes: Buffer
  /** 1-based line number in the NDJSON. */
  number: number
}

interface Line {
  doc: Record<string, unknown>
  /** 1-based line number in the NDJSON. */
  line: number
}

/**
 * The NDJSON's non-blank lines (`blank`: all of them) as bytes, with their numbers. A line over the
 * limit fails naming it as soon as that much of it is read: no line is held whole whatever its length.
 */
async function* numberedBytes(source: Source, options: ImportOptions, {blank = false} = {}): AsyncGenerator<NumberedBytes> {
  const maxBytes = options.maxLineBytes ?? MAX_IMPORT_LINE_BYTES
  const tooLong = (line: number) =>
    new ImportFileError(`${source.label}:${line}: longer than the limit of ${maxBytes} bytes for one line (one document; the lake takes at most that)`)
  let number = 0
  for await (const bytes of lineBuffers(source.ndjson(), {maxBytes, tooLong})) {
    number++
    if (blank || !isBlankLine(bytes)) yield {bytes, number}
  }
}

/** The NDJSON's non-blank lines, decoded, with their numbers. */
async function* numberedLines(source: Source, options: ImportOptions): AsyncGenerator<NumberedLine> {
  for await (const {bytes, number} of numberedBytes(source, options)) yield {text: bytes.toString('utf8'), number}
}

/** A line as a document; one that is not a JSON object fails with its number. */
function parseLine(source: Source, {text, number}: NumberedLine): Record<string, unknown> {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (error) {
    throw new ImportFileError(`${source.label}:${number}: not valid JSON (${(error as Error).message})`)
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new ImportFileError(`${source.label}:${number}: not a JSON object`)
  return doc as Record<string, unknown>
}

/** The NDJSON's documents, one line at a time. */
async function* documents(source: Source, options: ImportOptions): AsyncGenerator<Line> {
  for await (const line of numberedLines(source, options)) yield {doc: parseLine(source, line), line: line.number}
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

/** Batches under the lake's write limit, asset references put back. */
async function* batches(lines: AsyncIterable<Line>, assetIds: ReadonlyMap<string, string>): AsyncGenerator<Line[]> {
  let batch: Line[] = []
  let bytes = 0
  for await (const {doc, line} of lines) {
    const resolved = resolvePlaceholders(doc, assetIds)
    const size = Buffer.byteLength(JSON.stringify(resolved))
    if (batch.length > 0 && (batch.length >= BATCH_DOCUMENTS || bytes + size > BATCH_BYTES)) {
      yield batch
      batch = []
      bytes = 0
    }
    batch.push({doc: resolved, line})
    bytes += size
  }
  if (batch.length > 0) yield batch
}

async function archiveSource(file: string): Promise<Source> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lake-import-'))
  const remove = () => fs.rmSync(dir, {recursive: true, force: true})
  let archive: Awaited<ReturnType<typeof extractArchive>>
  try {
    archive = await extractArchive(file, dir)
  } catch (error) {
    remove()
    throw error
  }
  return {
    ndjson: () => fs.createReadStream(path.join(archive.root, 'data.ndjson'), {highWaterMark: IMPORT_READ_CHUNK}),
    label: `${file}: data.ndjson`,
    assetMap: archive.assetMap,
    readAsset(placeholder) {
      const relative = /^file:\/\/\.\/(.+)$/.exec(placeholder.url)?.[1]
      const name = relative ? path.posix.normalize(relative) : undefined
      if (!name || !archive.files.has(name)) throw new ImportFileError(`${file}: the archive has no file for ${placeholder.kind}@${placeholder.url}`)
      return fs.readFileSync(path.join(archive.root, ...name.split('/')))
    },
    close: remove,
  }
}

/** NDJSON may carry placeholders too: `file://./x` relative to the file's folder, or `file:///abs`. */
function ndjsonSource(file: string): Source {
  const base = path.dirname(path.resolve(file))
  return {
    ndjson: () => fs.createReadStream(file, {highWaterMark: IMPORT_READ_CHUNK}),
    label: file,
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
    close() {},
  }
}
