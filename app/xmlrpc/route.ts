import {handleXmlRpc} from '@/lib/mentions/xmlrpc-endpoint'

/**
 * Pingback 1.0 XML-RPC endpoint (advertised by the X-Pingback header and <link rel="pingback">
 * on post pages). See lib/mentions/xmlrpc-endpoint.ts.
 */
export const dynamic = 'force-dynamic'

export function POST(request: Request): Promise<Response> {
  return handleXmlRpc(request)
}

export function GET(request: Request): Promise<Response> {
  return handleXmlRpc(request)
}
