/**
 * Presence as the Studio speaks it over its bifur socket (JSON-RPC 2.0): who is in the Studio and
 * where (document, field path, selection). The lake keeps no presence state: sessions announce
 * their locations, and a newcomer's roll call makes the others announce again, exactly as the
 * Studio's presence store expects (sanity: core/store/_legacy/presence). The hub relays those
 * messages between the authorised connections of one dataset and, when a connection drops, tells
 * the others that its sessions left.
 *
 * Messages out are the shapes the Studio's `handleIncomingMessage` reads:
 * `{type: 'rollCall', i: userId, session}`, `{type: 'state', i: userId, m: {sessionId, locations}}`,
 * `{type: 'disconnect', i: userId, m: {session}}`.
 */
import crypto from 'node:crypto'
import type {LakeUser} from '../auth/types'

export interface RpcRequest {
  jsonrpc: '2.0'
  id?: string | number
  method: string
  params?: Record<string, unknown>
}

/** What a connection can do to its socket. */
export interface PresencePeer {
  send(message: unknown): void
}

/** Resolves an `Authorization` header value to a user, or null. */
export type Authenticate = (authorization: string) => LakeUser | null

const MAX_LOCATIONS = 50
const MAX_ID_LENGTH = 200
const RPC = {invalidRequest: -32600, methodNotFound: -32601, invalidParams: -32602, unauthorized: 4001}

/** One socket: its user once authorised, its presence subscription and the sessions it announced. */
export class PresenceConnection {
  user: LakeUser | null = null
  subscription: string | null = null
  readonly sessions = new Set<string>()

  constructor(
    private readonly hub: PresenceHub,
    readonly dataset: string,
    private readonly peer: PresencePeer,
    private readonly authenticate: Authenticate,
  ) {}

  /** Handles one incoming frame (text). Never throws: bad input gets a JSON-RPC error. */
  receive(text: string): void {
    let request: RpcRequest
    try {
      request = JSON.parse(text) as RpcRequest
    } catch {
      return this.error(null, RPC.invalidRequest, 'Messages must be JSON-RPC 2.0 objects')
    }
    if (typeof request !== 'object' || request === null || typeof request.method !== 'string') {
      return this.error(null, RPC.invalidRequest, 'Messages must be JSON-RPC 2.0 objects with a method')
    }
    const params = typeof request.params === 'object' && request.params !== null ? request.params : {}
    const id = typeof request.id === 'string' || typeof request.id === 'number' ? request.id : null
    if (request.method === 'authorization') return this.authorize(id, params)
    if (!this.user) return this.error(id, RPC.unauthorized, 'Send "authorization" with a bearer token first')
    switch (request.method) {
      case 'presence_subscribe':
        this.subscription ??= crypto.randomBytes(8).toString('hex')
        return this.reply(id, this.subscription)
      case 'presence_unsubscribe':
        this.subscription = null
        return this.reply(id, true)
      case 'presence_rollcall':
        return this.rollCall(id, params)
      case 'presence_announce':
        return this.announce(id, params)
      case 'presence_disconnect':
        return this.disconnect(id, params)
      default:
        return this.error(id, RPC.methodNotFound, `Unknown method "${request.method.slice(0, 60)}"`)
    }
  }

  /** The socket closed: every session it announced has left. */
  closed(): void {
    for (const session of this.sessions) this.hub.broadcast(this, {type: 'disconnect', i: this.user?.id, m: {session}})
    this.sessions.clear()
    this.hub.remove(this)
  }

  deliver(event: unknown): void {
    if (this.subscription) this.peer.send({jsonrpc: '2.0', method: 'presence_subscription', params: {subscription: this.subscription, result: event}})
  }

  private authorize(id: string | number | null, params: Record<string, unknown>) {
    const header = params.authorization
    const user = typeof header === 'string' ? this.authenticate(header) : null
    if (!user) return this.error(id, RPC.unauthorized, 'Invalid or expired token')
    this.user = user
    this.reply(id, {authorized: true})
  }

  private rollCall(id: string | number | null, params: Record<string, unknown>) {
    const session = sessionParam(params.session)
    if (!session) return this.error(id, RPC.invalidParams, '"session" must be a session id')
    this.hub.broadcast(this, {type: 'rollCall', i: this.user!.id, session})
    this.reply(id, true)
  }

  private announce(id: string | number | null, params: Record<string, unknown>) {
    const data = params.data as {sessionId?: unknown; locations?: unknown} | undefined
    const sessionId = sessionParam(data?.sessionId)
    if (!sessionId || !Array.isArray(data?.locations) || data.locations.length > MAX_LOCATIONS) {
      return this.error(id, RPC.invalidParams, `"data" must be {sessionId, locations} with at most ${MAX_LOCATIONS} locations`)
    }
    this.sessions.add(sessionId)
    this.hub.broadcast(this, {type: 'state', i: this.user!.id, m: {sessionId, locations: data.locations}})
    this.reply(id, true)
  }

  private disconnect(id: string | number | null, params: Record<string, unknown>) {
    const session = sessionParam(params.session)
    if (!session) return this.error(id, RPC.invalidParams, '"session" must be a session id')
    this.sessions.delete(session)
    this.hub.broadcast(this, {type: 'disconnect', i: this.user!.id, m: {session}})
    this.reply(id, true)
  }

  private reply(id: string | number | null, result: unknown) {
    if (id !== null) this.peer.send({jsonrpc: '2.0', id, result})
  }

  private error(id: string | number | null, code: number, message: string) {
    this.peer.send({jsonrpc: '2.0', id, error: {code, message}})
  }
}

function sessionParam(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_LENGTH ? value : null
}

export class PresenceHub {
  private readonly connections = new Set<PresenceConnection>()

  constructor(private readonly authenticate: Authenticate) {}

  get size(): number {
    return this.connections.size
  }

  connect(dataset: string, peer: PresencePeer): PresenceConnection {
    const connection = new PresenceConnection(this, dataset, peer, this.authenticate)
    this.connections.add(connection)
    return connection
  }

  remove(connection: PresenceConnection): void {
    this.connections.delete(connection)
  }

  /** To every authorised subscriber of the dataset, the sender included (the Studio filters its own session). */
  broadcast(from: PresenceConnection, event: unknown): void {
    for (const connection of this.connections) {
      if (connection.dataset === from.dataset && connection.user) connection.deliver(event)
    }
  }
}
