/**
 * The XML-RPC endpoint (`/xmlrpc`, also `/xmlrpc.php` for WordPress-minded clients) as a plain
 * `Request → Response` function, so route handlers stay one line and tests can drive it directly.
 *
 * XML-RPC reports application errors as faults inside HTTP 200. Transport-level problems get
 * HTTP codes: 405 (not POST), 415 (not XML), 413 (body over 64 KB — reading stops there).
 */
import {readBodyText} from '@/lib/http/read-body'
import {getPingbacks, pingbackPing} from './pingback'
import {clientKey} from '@/lib/http/client-address'
import {
  FaultCode,
  MAX_XMLRPC_BODY_BYTES,
  parseMethodCall,
  serialiseFault,
  serialiseResponse,
  XmlRpcFault,
  type XmlRpcValue,
} from './xmlrpc'

const XML_HEADERS = {'Content-Type': 'text/xml; charset=utf-8', 'Cache-Control': 'no-store'}

type Method = (params: XmlRpcValue[], clientAddress: string) => Promise<XmlRpcValue>

const methods: Record<string, Method> = {
  'pingback.ping': pingbackPing,
  'pingback.extensions.getPingbacks': (params) => getPingbacks(params),
  'system.listMethods': async () => Object.keys(methods).sort(),
}

function fault(code: number, message: string, status = 200): Response {
  return new Response(serialiseFault(code, message), {status, headers: XML_HEADERS})
}

export async function handleXmlRpc(request: Request): Promise<Response> {
  if (request.method !== 'POST') {
    return new Response('XML-RPC server accepts POST requests only.\n', {
      status: 405,
      headers: {Allow: 'POST', 'Content-Type': 'text/plain; charset=utf-8'},
    })
  }
  const contentType = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase()
  if (contentType !== 'text/xml' && contentType !== 'application/xml') {
    return new Response('XML-RPC requests must be sent as text/xml.\n', {
      status: 415,
      headers: {'Content-Type': 'text/plain; charset=utf-8'},
    })
  }
  const body = await readBodyText(request, MAX_XMLRPC_BODY_BYTES)
  if (body === null) {
    return fault(FaultCode.generic, `Request too large: at most ${MAX_XMLRPC_BODY_BYTES} bytes.`, 413)
  }

  let call
  try {
    call = parseMethodCall(body)
  } catch (error) {
    if (error instanceof XmlRpcFault) return fault(error.faultCode, error.faultString)
    return fault(FaultCode.parseError, 'Parse error: not well formed.')
  }

  const method = Object.hasOwn(methods, call.methodName) ? methods[call.methodName] : undefined
  if (!method) return fault(FaultCode.methodNotFound, `Requested method ${call.methodName} not found.`)
  try {
    const value = await method(call.params, clientKey(request.headers))
    return new Response(serialiseResponse(value), {status: 200, headers: XML_HEADERS})
  } catch (error) {
    if (error instanceof XmlRpcFault) return fault(error.faultCode, error.faultString)
    // The lake being down or another genuine failure: a generic fault, details only in the log.
    console.error('[mentions] XML-RPC', call.methodName, 'failed:', error)
    return fault(FaultCode.generic, 'The server could not process the request; please try again later.')
  }
}
