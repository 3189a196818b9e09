/**
 * The Studio's socket endpoint, `wss://<host>/v<date>/socket/<dataset>` (WebSocket over HTTP/1.1
 * upgrade on either lake port), speaking bifur: JSON-RPC 2.0 text frames plus `♥` heartbeats.
 * Browsers apply no CORS to WebSockets, so the origin is checked here; the token arrives in the
 * first message (`authorization`), since browsers cannot set headers on a WebSocket.
 */
import type http from 'node:http'
import type http2 from 'node:http2'
import type {Duplex} from 'node:stream'
import {WebSocketServer, type WebSocket} from 'ws'
import type {LakeContext} from '../http/context'
import {PresenceHub} from './hub'

const SOCKET_PATH = /^\/v(?:\d{4}-\d{2}-\d{2}|1|X)\/socket\/([a-z0-9][a-z0-9_-]{0,63})$/
/** Bifur's keep-alive frame; the Studio counts it as a sign of a live connection. */
const HEARTBEAT = '♥'
const HEARTBEAT_MS = 20_000
/** Presence messages are small; anything bigger is not the Studio. */
const MAX_FRAME_BYTES = 64 * 1024

function refuse(socket: Duplex, status: number, reason: string) {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`)
}

export interface PresenceSockets {
  hub: PresenceHub
  close(): void
}

export function attachPresenceSockets(servers: (http.Server | http2.Http2SecureServer)[], ctx: LakeContext): PresenceSockets {
  const hub = new PresenceHub((authorization) => {
    const credentials = ctx.auth.credentials(authorization)
    return credentials.kind === 'valid' ? credentials.user : null
  })
  const wss = new WebSocketServer({noServer: true, maxPayload: MAX_FRAME_BYTES})

  const onUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://lake.invalid')
    const match = SOCKET_PATH.exec(url.pathname)
    if (!match) return refuse(socket, 404, 'Not Found')
    const origin = req.headers.origin
    if (origin && !ctx.allowedOrigins.has(origin)) return refuse(socket, 403, 'Forbidden')
    const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase()
    const project = /^([a-z0-9-]+)\.localhost$/.exec(host)?.[1]
    if (project && project !== ctx.projectId) return refuse(socket, 404, 'Not Found')
    wss.handleUpgrade(req, socket, head, (ws) => serve(ws, match[1]))
  }

  function serve(ws: WebSocket, dataset: string) {
    const connection = hub.connect(dataset, {
      send: (message) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message))
      },
    })
    const heartbeat = setInterval(() => ws.readyState === ws.OPEN && ws.send(HEARTBEAT), HEARTBEAT_MS)
    heartbeat.unref()
    ws.on('message', (data, isBinary) => {
      if (!isBinary) connection.receive(data.toString())
    })
    ws.on('error', () => ws.terminate())
    ws.on('close', () => {
      clearInterval(heartbeat)
      connection.closed()
    })
  }

  for (const server of servers) server.on('upgrade', onUpgrade)
  return {
    hub,
    close() {
      for (const server of servers) server.off('upgrade', onUpgrade)
      for (const client of wss.clients) client.terminate()
      wss.close()
    },
  }
}
