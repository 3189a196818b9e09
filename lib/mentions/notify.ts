/**
 * Sending one notification to a discovered endpoint: a Webmention form POST or a Pingback XML-RPC
 * call. Results are classified so the caller knows whether retrying could help.
 */
import {safeFetch, SafeFetchError} from './safe-fetch'
import {FaultCode, parseMethodResponse, serialiseMethodCall, XmlRpcFault} from './xmlrpc'
import type {Endpoint} from './discovery'

export type NotifyResult =
  | {outcome: 'sent'; status: number; detail: string}
  /** Worth trying again later: network trouble, timeouts, 5xx, 429, pingback faults 49/50. */
  | {outcome: 'retry'; status: number | null; detail: string}
  /** The receiver said no for good (4xx, pingback faults 16/17/32/33…). */
  | {outcome: 'rejected'; status: number | null; detail: string}

/** Pingback faults that will not change by asking again. */
const PERMANENT_FAULTS = new Set<number>([
  FaultCode.sourceDoesNotExist,
  FaultCode.sourceDoesNotLink,
  FaultCode.targetDoesNotExist,
  FaultCode.targetCannotBeUsed,
  FaultCode.methodNotFound,
  FaultCode.invalidParams,
])

function fromFetchError(error: unknown): NotifyResult {
  if (error instanceof SafeFetchError) {
    return error.kind === 'refused' || error.kind === 'invalid-url'
      ? {outcome: 'rejected', status: null, detail: error.message}
      : {outcome: 'retry', status: null, detail: error.message}
  }
  throw error
}

function classifyStatus(status: number, detail: string): NotifyResult {
  if (status >= 200 && status < 300) return {outcome: 'sent', status, detail}
  if (status === 429 || status >= 500) return {outcome: 'retry', status, detail}
  return {outcome: 'rejected', status, detail}
}

export async function sendWebmention(endpoint: string, source: string, target: string): Promise<NotifyResult> {
  try {
    const response = await safeFetch(endpoint, {
      method: 'POST',
      headers: {'content-type': 'application/x-www-form-urlencoded', accept: '*/*'},
      body: new URLSearchParams({source, target}).toString(),
      maxBytes: 16 * 1024,
    })
    return classifyStatus(response.status, `webmention endpoint answered HTTP ${response.status}`)
  } catch (error) {
    return fromFetchError(error)
  }
}

export async function sendPingback(endpoint: string, source: string, target: string): Promise<NotifyResult> {
  let response
  try {
    response = await safeFetch(endpoint, {
      method: 'POST',
      headers: {'content-type': 'text/xml; charset=utf-8', accept: 'text/xml'},
      body: serialiseMethodCall('pingback.ping', [source, target]),
      maxBytes: 64 * 1024,
    })
  } catch (error) {
    return fromFetchError(error)
  }
  if (response.status < 200 || response.status >= 300) {
    return classifyStatus(response.status, `pingback server answered HTTP ${response.status}`)
  }
  let parsed
  try {
    parsed = parseMethodResponse(response.text())
  } catch (error) {
    const message = error instanceof XmlRpcFault ? error.faultString : 'unreadable response'
    return {outcome: 'retry', status: 200, detail: `pingback server sent an invalid response: ${message}`}
  }
  if (parsed.ok) return {outcome: 'sent', status: 200, detail: String(parsed.value).slice(0, 200)}
  const detail = `fault ${parsed.faultCode}: ${parsed.faultString.slice(0, 200)}`
  // "Already registered" means the receiver has it: that is what we wanted.
  if (parsed.faultCode === FaultCode.alreadyRegistered) return {outcome: 'sent', status: 200, detail}
  if (PERMANENT_FAULTS.has(parsed.faultCode)) return {outcome: 'rejected', status: 200, detail}
  return {outcome: 'retry', status: 200, detail}
}

export function notify(endpoint: Endpoint, source: string, target: string): Promise<NotifyResult> {
  return endpoint.method === 'webmention'
    ? sendWebmention(endpoint.endpoint, source, target)
    : sendPingback(endpoint.endpoint, source, target)
}
