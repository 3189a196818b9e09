/**
 * Production server only: what happens to a request body nobody reads to the end.
 *
 * Next turns the request into a web stream that pulls the whole body as fast as it arrives, and
 * destroys the request when a handler stops reading (read-body.ts, over its size limit). Two
 * failures follow: a destroyed request resets the connection while the client is still sending,
 * so the client often sees "broken pipe" instead of our 413; and a body a handler never reads
 * (a 401 before reading) keeps being buffered by Next until it ends. Like nginx's lingering close,
 * we instead stop whoever was reading and discard the rest of the body, for a bounded time after
 * the answer is sent, so the answer reaches the client; then we close the connection.
 */
import type {IncomingMessage, ServerResponse} from 'node:http'
import type {Socket} from 'node:net'

/** How long after the response an unread body is discarded before the connection is closed. */
export const LINGER_MS = 5_000

export function lingerOnUnreadBody(req: IncomingMessage, res: ServerResponse, lingerMs = LINGER_MS): void {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return
  const destroy = req.destroy.bind(req)
  let draining = false

  const drain = () => {
    if (draining || req.complete || req.destroyed) return
    draining = true
    // Whoever was reading is done with it: drop its listeners, let the rest flow into the void.
    req.removeAllListeners('readable')
    req.removeAllListeners('data')
    req.resume()
    const closeLater = () => {
      const timer = setTimeout(() => {
        if (!req.complete) destroy()
      }, lingerMs)
      timer.unref()
      req.once('end', () => clearTimeout(timer))
    }
    if (res.writableFinished) closeLater()
    else res.once('finish', closeLater)
  }

  req.destroy = ((error?: Error) => {
    // A real failure (client gone, parse error) or a body read in full: destroy as usual.
    if (error || req.complete || res.destroyed) return destroy(error)
    drain()
    return req
  }) as typeof req.destroy
  // Answered before the body was read to its end (e.g. 401 before reading): stop buffering it.
  res.once('finish', drain)
  // Node closes a `Connection: close` socket right after the answer, before the listener above.
  lingerBeforeClosing(req.socket, () => !req.complete, () => {
    drain()
  }, lingerMs)
  // The connection died before an answer: nothing to wait for.
  res.once('close', () => {
    if (!res.writableFinished && !req.complete) destroy()
  })
}

/**
 * When the connection is to close after the answer (the client sent `Connection: close`, or Node
 * decided so), Node ends and destroys the socket right after the response; unread bytes still
 * arriving then make the kernel reset the connection, and the client may lose the answer. Instead,
 * while the body is unread: half-close (the client reads the whole answer and sees end of stream),
 * keep discarding what it still sends, and destroy once it closes its side or after `lingerMs`.
 */
function lingerBeforeClosing(socket: Socket, bodyUnread: () => boolean, drain: () => void, lingerMs: number): void {
  // Once per socket (a keep-alive connection carries many requests): the latest request decides.
  const lingering = socket as LingeringSocket
  if (lingering[LINGER]) {
    lingering[LINGER] = {...lingering[LINGER], bodyUnread, drain}
    return
  }
  lingering[LINGER] = {destroySoon: socket.destroySoon.bind(socket), bodyUnread, drain}
  socket.destroySoon = function lingeringClose(this: Socket) {
    const state = lingering[LINGER]!
    if (!state.bodyUnread()) return state.destroySoon()
    state.drain()
    if (this.writable) this.end()
    const timer = setTimeout(() => this.destroy(), lingerMs)
    timer.unref()
    this.once('close', () => clearTimeout(timer))
    this.once('end', () => this.destroy())
  }
}

const LINGER = Symbol('lingering close')
type LingeringSocket = Socket & {[LINGER]?: {destroySoon: () => void; bodyUnread: () => boolean; drain: () => void}}
