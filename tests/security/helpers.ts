/** Content-side helpers for the security suite: the lake as its editors see it (token). */
import {createClient, type SanityClient} from '@sanity/client'
import {encodeSignatureHeader} from '@sanity/webhook'
import {send, stack} from './http'

export function editorClient(): SanityClient {
  return createClient({
    projectId: 'dispatch',
    dataset: 'production',
    apiHost: stack().lakeHttpUrl,
    useProjectHostname: false,
    apiVersion: '2025-02-19',
    useCdn: false,
    token: stack().token,
  })
}

export interface PostRef {
  _id: string
  slug: string
}

/** Published demo posts, oldest first. */
export async function posts(): Promise<PostRef[]> {
  return editorClient().fetch<PostRef[]>(
    `*[_type == "post" && !(_id in path("drafts.**")) && defined(slug.current)] | order(publishedAt asc) {_id, "slug": slug.current}`,
  )
}

/**
 * Edits a post (a public document): the lake's signed webhook makes the site purge its page, so the
 * next request for it is a cache miss. Resolves once that webhook had time to land.
 */
export async function purgeByEditing(post: PostRef): Promise<void> {
  await editorClient().patch(post._id).set({excerpt: `Edited ${Date.now()}`}).commit()
  await new Promise((resolve) => setTimeout(resolve, 1_500))
}

/** A webhook body signed as the lake (or hosted Sanity) signs it, at `timestamp` (ms). */
export async function signed(body: unknown, timestamp = Date.now()): Promise<{body: string; headers: Record<string, string>}> {
  const text = JSON.stringify(body)
  return {
    body: text,
    headers: {'content-type': 'application/json', 'sanity-webhook-signature': await encodeSignatureHeader(text, timestamp, stack().webhookSecret)},
  }
}

/** True when `html` is a whole page of the site (not `{}`, an RSC payload or an error). */
export function isWholePage(answer: {status: number; text: string; headers: Record<string, unknown>}): boolean {
  return answer.status === 200 && String(answer.headers['content-type']).startsWith('text/html') && answer.text.includes('</html>') && answer.text.length > 2_000
}

export {send, stack}
