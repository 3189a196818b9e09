import {handleMentionsWebhook} from '@/lib/mentions/webhook'

/** Signed lake/Sanity webhook: sends mentions on publish (see lib/mentions/webhook.ts). */
export const dynamic = 'force-dynamic'

export function POST(request: Request): Promise<Response> {
  return handleMentionsWebhook(request)
}
