/** `GET /data/listen/{ds}`: Sanity's listener as a server-sent event stream. */
import {LISTEN_HEARTBEAT_MS, MAX_QUERY_LENGTH} from '../config'
import type {SanityDocument} from '../engine/types'
import {LakeError} from '../engine/types'
import type {LakeContext, Route, RouteRequest} from '../http/context'
import {datasetName, flag, groqParams} from '../http/params'
import {apiError, badRequest} from '../http/respond'
import type {ListenerSpec} from './hub'
import crypto from 'node:crypto'

const PROBE_DOCUMENT: SanityDocument = {_id: 'lake.listen-probe', _type: 'lake.probe', _rev: '', _createdAt: '', _updatedAt: ''}

function spec(r: RouteRequest, dataset: string): ListenerSpec {
  const search = r.url.searchParams
  const query = search.get('query')
  if (!query || !query.trim()) throw badRequest('Missing "query": a GROQ filter such as *[_type == "post"]')
  if (query.length > MAX_QUERY_LENGTH) throw badRequest('Query is too long')
  const effectFormat = search.get('effectFormat')
  if (effectFormat && effectFormat !== 'mendoza') throw badRequest('"effectFormat" must be "mendoza"')
  const visibility = search.get('visibility') || 'query'
  if (visibility !== 'query' && visibility !== 'transaction') throw badRequest('"visibility" must be "query" or "transaction"')
  return {
    dataset,
    query,
    params: groqParams(search),
    access: r.user ? 'all' : 'public',
    includeResult: flag(search, 'includeResult', true),
    includePreviousRevision: flag(search, 'includePreviousRevision', false),
    includeMutations: flag(search, 'includeMutations', true),
    includeAllVersions: flag(search, 'includeAllVersions', false),
    effectFormat: effectFormat === 'mendoza' ? 'mendoza' : null,
    visibility,
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  const single = Array.isArray(value) ? value[0] : value
  return single && single.length <= 300 ? single : undefined
}

async function listen(ctx: LakeContext, r: RouteRequest, [rawDataset]: string[]) {
  const dataset = datasetName(rawDataset)
  const listenerSpec = spec(r, dataset)
  const enableResume = flag(r.url.searchParams, 'enableResume', false)
  // Reject an invalid filter with a 400 now, not as a silent stream that never matches.
  try {
    await ctx.engine.matches(listenerSpec.query, listenerSpec.params, PROBE_DOCUMENT)
  } catch (error) {
    if (error instanceof LakeError) throw error
    throw apiError(400, 'queryParseError', `Invalid listener query: ${(error as Error).message}`)
  }

  const {req, res} = r
  const headers: Record<string, string> = {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    'x-accel-buffering': 'no',
  }
  res.writeHead(200, headers)
  // HTTP/2 responses buffer in their stream; HTTP/1 responses in themselves.
  const buffered = () => ('stream' in res ? res.stream.writableLength : res.writableLength)
  const write = (chunk: string) => {
    if (!res.writableEnded) (res as NodeJS.WritableStream).write(chunk)
    return buffered()
  }
  const listenerName = 'L' + crypto.randomBytes(8).toString('hex')
  // Resuming (`enableResume=true` and the EventSource's Last-Event-ID): `welcomeback` and the
  // events missed; `reset` when they are no longer known, so the client refetches its state.
  const lastEventId = enableResume ? headerValue(r.req.headers['last-event-id']) : undefined
  const replay = lastEventId ? ctx.listeners.resumePoint(lastEventId, dataset) : []
  if (lastEventId && replay === null) write(`event: reset\ndata: {}\n\n`)
  else write(`event: ${lastEventId ? 'welcomeback' : 'welcome'}\ndata: ${JSON.stringify({listenerName})}\n\n`)

  const heartbeat = setInterval(() => write(': ping\n\n'), LISTEN_HEARTBEAT_MS)
  heartbeat.unref()
  let removed = false
  const sink = {
    send(event: string, data: unknown, id?: string) {
      return write(`${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
    },
    // No `disconnect` event: Sanity clients treat it as final, while a plain close makes them reconnect,
    // which is what a too-slow listener or a restarting lake wants.
    end(reason: string) {
      ctx.log(`lake: closing listener ${listenerName}: ${reason}`)
      cleanup()
      res.end()
    },
  }
  const remove = ctx.listeners.add(listenerSpec, sink, replay ?? [])
  function cleanup() {
    if (removed) return
    removed = true
    clearInterval(heartbeat)
    remove()
  }
  req.on('close', cleanup)
  res.on('close', cleanup)
}

export const listenRoutes: Route[] = [{method: 'GET', pattern: /^\/data\/listen\/([^/]+)$/, handler: listen}]
