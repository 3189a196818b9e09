/**
 * Studio side of moderation freshness (runs in the editor's browser). After Approve / Mark as spam
 * patches a pingback, wait until the lake has the new status, then ask the site to expire that
 * post's cached Pingbacks section (POST /api/webhooks/mentions/moderated, authorised by the editor's
 * own token; see lib/mentions/moderation.ts). With cookie-based auth (hosted Sanity) there is no
 * token to send: the hosted webhook on `_type == "pingback"` covers that case.
 */
import type {SanityClient} from '@sanity/client'

export const MODERATED_ENDPOINT = '/api/webhooks/mentions/moderated'

export async function notifyPingbackModerated(client: SanityClient, id: string, status: string): Promise<void> {
  const token = client.config().token
  if (!token) return
  const publishedId = id.replace(/^drafts\./, '')
  // The Studio's patch is submitted asynchronously: give it a moment to land (up to ~5 s).
  for (let attempt = 0; attempt < 20; attempt++) {
    const current = await client.fetch<string | null>('*[_id == $id][0].status', {id: publishedId}).catch(() => null)
    if (current === status) break
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  await fetch(MODERATED_ENDPOINT, {
    method: 'POST',
    headers: {'content-type': 'application/json', authorization: `Bearer ${token}`},
    body: JSON.stringify({id: publishedId}),
  }).catch(() => {
    // Not fatal: the section's cache expires on its own (SAFETY_NET) if the site is unreachable.
  })
}
