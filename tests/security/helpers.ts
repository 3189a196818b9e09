/** Content-side helpers for the security suite: the lake as its editors see it (token). */
import crypto from 'node:crypto'
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
 * Publishes a new post nobody has requested yet, so the first request for its page is certainly a
 * cache miss (the case an attacker needs). Resolves once the lake's webhooks had time to land.
 */
export async function freshPost(label: string): Promise<PostRef> {
  const slug = `security-${label.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}-${crypto.randomUUID().slice(0, 8)}`
  const _id = `post-${slug}`
  await editorClient().create({
    _id,
    _type: 'post',
    title: `Fresh post for ${label}`,
    slug: {_type: 'slug', current: slug},
    publishedAt: new Date(Date.now() - 60_000).toISOString(),
    excerpt: 'A post created by the security suite.',
    body: [{_type: 'block', _key: 'b1', style: 'normal', markDefs: [], children: [{_type: 'span', _key: 's1', text: 'Readers must get this whole page.', marks: []}]}],
  })
  await new Promise((resolve) => setTimeout(resolve, 1_000))
  return {_id, slug}
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
