import {handleModerated} from '@/lib/mentions/moderation'

/** Called by the Studio's Approve / Spam actions so the post's Pingbacks section updates at once. */
export const dynamic = 'force-dynamic'

export function POST(request: Request): Promise<Response> {
  return handleModerated(request)
}
