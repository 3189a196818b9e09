/**
 * `POST /data/import/{dataset}?mode=create|replace|missing` — a lake extension (Sanity has no such
 * endpoint): the body is NDJSON, one document per line (the `data.ndjson` of `sanity dataset
 * export`, asset placeholders already resolved), streamed into the engine's bulk import
 * (`engine.importDocuments`): batches of up to 250 documents, each one durable transaction
 * (listeners, the live event log and webhooks see it like any other). The lines are handed over as
 * the bytes received, stored as they came when the engine can vouch for them (no string of each is
 * made). `lake import` uses it when it talks to a running lake: about as fast as importing with no
 * lake running, where /data/mutate goes at the pace of its transactions.
 *
 * Writers only (editor or administrator: the same documents could be written through
 * /data/mutate). Each line is at most MAX_IMPORT_LINE_BYTES, the body at most MAX_IMPORT_BYTES
 * (413 naming the line). A bad line (not JSON, not a document, an invalid id, a document that
 * exists with `mode=create`) answers 4xx naming its line. The batches before it are committed and
 * the answer says how many documents were (`written`): resume with `mode=missing`. The answer comes
 * once everything is durably stored: `{documents, mode}`.
 */
import {isBlankLine, lineBuffers} from '../../archive/ndjson-lines'
import {MAX_IMPORT_BYTES, MAX_IMPORT_LINE_BYTES} from '../../config'
import {LakeError, type ImportMode} from '../../engine/types'
import type {LakeContext, Route, RouteRequest} from '../context'
import {datasetName} from '../params'
import {apiError, badRequest, HttpError, sendJson} from '../respond'
import {requireWriter} from './data'

/**
 * A batch is applied on the lake's thread in one go while the site and the Studio are being
 * served: 250 documents instead of the 2,000 of an import into a private lake. A reader querying
 * every 50 ms during a 20,993-document import waited at most 241–289 ms with these, 711–1,198 ms
 * with 2,000 (bench/lake-import-live.ts, two alternated runs each); the import was no slower.
 */
export const SERVING_IMPORT_BATCH = {documents: 250, text: 2 * 2 ** 20}

/** The CLI's flags (`--replace`, `--missing`) and the engine's names for the same modes. */
const MODES: Record<string, ImportMode> = {
  create: 'create',
  replace: 'createOrReplace',
  missing: 'createIfNotExists',
  createOrReplace: 'createOrReplace',
  createIfNotExists: 'createIfNotExists',
}

async function importNdjson(ctx: LakeContext, r: RouteRequest, [rawDataset]: string[]) {
  const dataset = datasetName(rawDataset)
  const author = requireWriter(r)
  const modeName = r.url.searchParams.get('mode') ?? 'create'
  const mode = Object.hasOwn(MODES, modeName) ? MODES[modeName] : undefined
  if (!mode) throw badRequest(`Option "mode" must be create, replace or missing, got "${modeName.slice(0, 40)}"`)
  const maxLine = ctx.importLimits?.maxLineBytes ?? MAX_IMPORT_LINE_BYTES
  const maxBytes = ctx.importLimits?.maxBytes ?? MAX_IMPORT_BYTES
  const declared = Number(r.req.headers['content-length'])
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw apiError(413, 'httpPayloadTooLarge', `The import body (${declared} bytes) exceeds the limit of ${maxBytes} bytes. Nothing was written.`, {line: 0, written: 0})
  }

  let written = 0
  // Body line number of each document handed to the engine (it names failures by position).
  const lineOf: number[] = []
  const documents = async function* () {
    for await (const {bytes, number} of bodyLines(r, maxLine, maxBytes)) {
      if (isBlankLine(bytes)) continue
      lineOf.push(number)
      yield bytes
    }
  }
  const started = performance.now()
  try {
    const {count} = await ctx.engine.importDocuments(dataset, documents(), {mode, author, batch: SERVING_IMPORT_BATCH, onProgress: (count) => (written = count)})
    ctx.log(`lake: imported ${count} documents into "${dataset}" (${mode}) in ${Math.round(performance.now() - started)} ms`)
    sendJson(r.res, 200, {documents: count, mode: modeName})
  } catch (error) {
    throw located(error, lineOf, written)
  }
}

/** The error, its description naming the body line at fault and saying how many documents were written before it. */
function located(error: unknown, lineOf: readonly number[], written: number): unknown {
  const stopped = (line: number) =>
    written > 0 ? ` The import stopped at line ${line}: the ${written} documents before its batch were written, none after.` : ' Nothing was written.'
  if (error instanceof LineError) {
    const {status, body} = error.http
    const inner = body.error as {type: string; description: string}
    return apiError(status, inner.type, `${inner.description}.${stopped(error.line)}`, {line: error.line, written})
  }
  if (error instanceof LakeError) {
    const index = (error.body.error.items as {index?: unknown}[] | undefined)?.[0]?.index
    const line = typeof index === 'number' ? lineOf[index] : undefined
    if (line === undefined) return error
    // The engine numbers the documents it was given; the caller knows the body's lines.
    const {description} = error.body.error
    const named = /^Import line \d+ is /.test(description) ? description.replace(/^Import line \d+/, `Line ${line}`) : `Line ${line}: ${description}`
    return new LakeError(error.status, {error: {...error.body.error, description: `${named}.${stopped(line)}`, line, written}})
  }
  return error
}

/** A failure reading the body, at a line. */
class LineError extends Error {
  constructor(
    readonly http: HttpError,
    readonly line: number,
  ) {
    super(http.message)
  }
}

function tooLarge(description: string, line: number) {
  return new LineError(apiError(413, 'httpPayloadTooLarge', description), line)
}

/**
 * The body's lines as bytes (a view of the chunk received when a line lies within one, joined
 * otherwise: the engine checks and stores their UTF-8 itself, import-export.ts) with their 1-based
 * numbers, read only as fast as they are taken, within the limits: a line over `maxLine` is refused
 * while it streams in, never held whole.
 */
async function* bodyLines(r: RouteRequest, maxLine: number, maxBytes: number): AsyncGenerator<{bytes: Buffer; number: number}> {
  let number = 1
  // Taken only once the lines of the chunk before are: `number` is then the line this chunk continues.
  async function* chunks(): AsyncGenerator<Buffer> {
    let total = 0
    for await (const chunk of r.req as AsyncIterable<Buffer>) {
      total += chunk.length
      if (total > maxBytes) throw tooLarge(`The import body exceeds the limit of ${maxBytes} bytes (at line ${number})`, number)
      yield chunk
    }
  }
  const limit = {maxBytes: maxLine, tooLong: (line: number) => tooLarge(`Line ${line} is longer than the limit of ${maxLine} bytes`, line)}
  try {
    for await (const bytes of lineBuffers(chunks(), limit)) {
      yield {bytes, number}
      number++
    }
  } catch (error) {
    if (error instanceof LineError) throw error
    // The client went away mid-body: nothing to answer, but not the lake's failure either.
    throw new LineError(badRequest(`The import body was cut off (${(error as Error).message})`), number)
  }
}

export const importRoutes: Route[] = [{method: 'POST', pattern: /^\/data\/import\/([^/]+)$/, handler: importNdjson}]
