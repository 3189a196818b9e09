/**
 * `GET /data/live/events/{ds}`: Sanity's Live Content API event stream, which next-sanity's live
 * mode and the Studio's Presentation tool subscribe to (the tool fails outright when it is
 * missing). Sanity sends `message` events with sync tags; the lake answers queries without sync
 * tags (`syncTags: []`), so it sends the other event the protocol has for "content changed":
 * `restart`, which tells clients to refetch what they show. Anonymous streams only hear about
 * changes to public documents; `includeDrafts=true` needs a token, as on Sanity.
 */
import crypto from 'node:crypto'
import {LISTEN_HEARTBEAT_MS} from '../config'
import {isPublicId} from '../auth/access'
import type {Transaction} from '../engine/types'
import type {LakeContext, Route, RouteRequest} from '../http/context'
import {datasetName, flag} from '../http/params'
import {gatewayError} from '../http/respond'

/** Whether a committed transaction is news for a live stream with the given access. */
export function isLiveNews(tx: Transaction, dataset: string, includeDrafts: boolean): boolean {
  if (tx.dataset !== dataset) return false
  return tx.changes.some((change) => includeDrafts || isPublicId(change.id))
}

function liveEvents(ctx: LakeContext, r: RouteRequest, [rawDataset]: string[]) {
  const dataset = datasetName(rawDataset)
  const includeDrafts = flag(r.url.searchParams, 'includeDrafts', false)
  if (includeDrafts && !r.user) throw gatewayError(401, 'includeDrafts=true requires a token')
  const {req, res} = r
  res.writeHead(200, {'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no'})
  const write = (chunk: string) => {
    if (!res.writableEnded) (res as NodeJS.WritableStream).write(chunk)
  }
  write(`event: welcome\ndata: {}\n\n`)
  const heartbeat = setInterval(() => write(': ping\n\n'), LISTEN_HEARTBEAT_MS)
  heartbeat.unref()
  const unsubscribe = ctx.engine.subscribe((tx) => {
    if (isLiveNews(tx, dataset, includeDrafts)) write(`id: ${crypto.randomUUID()}\nevent: restart\ndata: {}\n\n`)
  })
  let closed = false
  const cleanup = () => {
    if (closed) return
    closed = true
    clearInterval(heartbeat)
    unsubscribe()
  }
  req.on('close', cleanup)
  res.on('close', cleanup)
}

export const liveRoutes: Route[] = [{method: 'GET', pattern: /^\/data\/live\/events\/([^/]+)$/, handler: liveEvents}]
