/**
 * `GET /data/live/events/{ds}`: Sanity's Live Content API event stream, which next-sanity's
 * `SanityLive`, the site's own revalidation (lib/site/live-revalidation.ts) and the Studio's
 * Presentation tool subscribe to.
 *
 * As Sanity's docs and @sanity/client describe it: `welcome` first; then one `message` per commit
 * that changed something this stream may see, `data: {"tags": [...]}` naming the sync tags it
 * fired (lib/lake/live/sync-tags.ts); `restart` only when the stream cannot say exactly what
 * changed: a `Last-Event-ID` it cannot resume from (unknown to this store, or older than the log
 * keeps: lib/lake/live/event-log.ts, which survives restarts), or a commit
 * firing more tags than a message should carry. Every event has an id, so an EventSource that
 * reconnects resumes with `Last-Event-ID` and receives the messages it missed.
 *
 * Over the lake's stream limit (`maxLiveStreams`) a stream gets `goaway` with `{reason}` and is
 * closed, as Sanity does at its connection limit.
 *
 * Privacy: anonymous streams only hear of changes to public documents (no message at all when only
 * drafts or private documents changed); `includeDrafts=true` needs a token, as on Sanity.
 */
import {LISTEN_HEARTBEAT_MS} from '../config'
import type {LakeContext, Route, RouteRequest} from '../http/context'
import {datasetName, flag} from '../http/params'
import {badRequest, gatewayError} from '../http/respond'
import type {LiveEvent} from '../live'

const MAX_EVENT_ID_LENGTH = 100
/** How long an EventSource told `goaway` waits before it tries again. */
const GOAWAY_RETRY_MS = 30_000

function lastEventIdOf(r: RouteRequest): string | null {
  const header = r.req.headers['last-event-id']
  const value = (Array.isArray(header) ? header[0] : header) ?? r.url.searchParams.get('lastEventId')
  if (value === undefined || value === null || value === '') return null
  if (value.length > MAX_EVENT_ID_LENGTH) throw badRequest('Last-Event-ID is too long')
  return value
}

function liveEvents(ctx: LakeContext, r: RouteRequest, [rawDataset]: string[]) {
  const dataset = datasetName(rawDataset)
  // `includeAllDocuments` is the name in Sanity's current reference; @sanity/client sends `includeDrafts`.
  const includeDrafts = flag(r.url.searchParams, 'includeDrafts', false) || flag(r.url.searchParams, 'includeAllDocuments', false)
  if (includeDrafts && !r.user) throw gatewayError(401, 'includeDrafts=true (includeAllDocuments=true) requires a token')
  const lastEventId = lastEventIdOf(r)
  const {req, res} = r
  res.writeHead(200, {'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no'})
  const write = (chunk: string) => {
    if (!res.writableEnded) (res as NodeJS.WritableStream).write(chunk)
  }
  if (!ctx.live.openStream()) {
    // Over the limit: `goaway` with the position it was refused at, then close. `retry` keeps an
    // EventSource from reconnecting at once (SanityLive switches to refreshing every 30 s).
    const reason = `connection limit reached (${ctx.live.maxStreams} live event streams)`
    write(`retry: ${GOAWAY_RETRY_MS}\nid: ${ctx.live.head}\nevent: goaway\ndata: ${JSON.stringify({reason})}\n\n`)
    res.end()
    return
  }
  const send = (event: LiveEvent) => {
    const tags = includeDrafts ? event.allTags : event.publicTags
    // null: the commit fired more tags than a message carries (an import): refetch everything.
    if (tags === null) write(`id: ${event.id}\nevent: restart\ndata: {}\n\n`)
    else if (tags.length > 0) write(`id: ${event.id}\nevent: message\ndata: ${JSON.stringify({tags})}\n\n`)
  }

  // Commits notify synchronously and nothing here awaits (the log is read with synchronous SQLite
  // calls), so no event can fall between the replay of missed events and the subscription.
  const missed = lastEventId === null ? [] : ctx.live.since(lastEventId, dataset)
  const head = ctx.live.head
  write(`id: ${head}\nevent: welcome\ndata: {}\n\n`)
  if (missed === null) write(`id: ${head}\nevent: restart\ndata: {}\n\n`)
  else for (const event of missed) send(event)
  const unsubscribe = ctx.live.subscribe((event) => {
    if (event.dataset === dataset) send(event)
  })

  const heartbeat = setInterval(() => write(': ping\n\n'), LISTEN_HEARTBEAT_MS)
  heartbeat.unref()
  let closed = false
  const cleanup = () => {
    if (closed) return
    closed = true
    clearInterval(heartbeat)
    unsubscribe()
    ctx.live.closeStream()
  }
  req.on('close', cleanup)
  res.on('close', cleanup)
}

export const liveRoutes: Route[] = [{method: 'GET', pattern: /^\/data\/live\/events\/([^/]+)$/, handler: liveEvents}]
