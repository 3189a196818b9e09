import {handleWebmention} from '@/lib/mentions/webmention'

/**
 * W3C Webmention receiver (advertised by `Link: <…/webmention>; rel="webmention"` and
 * <link rel="webmention"> on post pages). See lib/mentions/webmention.ts.
 */
export const dynamic = 'force-dynamic'

export function POST(request: Request): Promise<Response> {
  return handleWebmention(request)
}

export function GET(request: Request): Promise<Response> {
  return handleWebmention(request)
}
