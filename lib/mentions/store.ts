/**
 * Mentions in the Content Lake: `pingback.<sha1(source + ' ' + target)>` documents (private ids,
 * docs/data-model.md) read and written with the server's token client only.
 */
import type {SanityClient} from '@sanity/client'
import {writeClient} from '@/sanity/lib/client'
import {
  mentionSettingsQuery,
  mentionSourcesForPostQuery,
  mentionTargetPostQuery,
} from '@/sanity/lib/queries'
import {revalidatePingbacks} from './freshness'

export type MentionKind = 'pingback' | 'webmention' | 'internal'
export type MentionStatus = 'pending' | 'approved' | 'spam'

export interface MentionDocument {
  _id: string
  _type: 'pingback'
  kind: MentionKind
  status: MentionStatus
  sourceUrl: string
  sourceTitle: string
  sourceSite: string
  excerpt: string
  target: {_type: 'reference'; _ref: string; _weak: true}
  targetUrl: string
  receivedAt: string
  verifiedAt: string
}

export interface TargetPost {
  _id: string
  title: string | null
  slug: string
  pingsOpen: boolean
  published: boolean
}

export interface MentionSettings {
  title: string | null
  autoApprovePingbacks: boolean
}

export {mentionId} from './ids'

let cachedClient: SanityClient | null = null
/** Raw perspective so private ids are visible; no CDN; never cached by Next (moderation must be exact). */
export function mentionsClient(): SanityClient {
  cachedClient ??= writeClient()
  return cachedClient
}

const uncached = {cache: 'no-store'} as const

export async function findTargetPost(slug: string): Promise<TargetPost | null> {
  return mentionsClient()
    .withConfig({perspective: 'published'})
    .fetch<TargetPost | null>(mentionTargetPostQuery, {slug}, uncached)
}

export async function mentionSettings(): Promise<MentionSettings> {
  const settings = await mentionsClient().fetch<MentionSettings | null>(mentionSettingsQuery, {}, uncached)
  return {title: settings?.title ?? null, autoApprovePingbacks: settings?.autoApprovePingbacks ?? false}
}

export async function getMention(id: string): Promise<MentionDocument | null> {
  return ((await mentionsClient().getDocument<MentionDocument>(id)) ?? null) as MentionDocument | null
}

export async function approvedSourcesForPost(postId: string): Promise<string[]> {
  const sources = await mentionsClient().fetch<(string | null)[]>(mentionSourcesForPostQuery, {postId}, uncached)
  return (sources ?? []).filter((s): s is string => typeof s === 'string')
}

export class AlreadyRegisteredError extends Error {
  constructor(readonly id: string) {
    super(`a mention ${id} is already registered`)
    this.name = 'AlreadyRegisteredError'
  }
}

/** Creates a new mention; AlreadyRegisteredError if the same source+target exists (lake answers 409). */
export async function createMention(doc: MentionDocument): Promise<MentionDocument> {
  try {
    const created = await mentionsClient().create(doc, {visibility: 'sync'})
    revalidatePingbacks(doc.target._ref)
    return created as unknown as MentionDocument
  } catch (error) {
    if ((error as {statusCode?: number}).statusCode === 409) throw new AlreadyRegisteredError(doc._id)
    throw error
  }
}

/** Refreshes what a re-verified mention shows; moderation status and receivedAt stay as they are. */
export async function refreshMention(
  id: string,
  fields: Pick<MentionDocument, 'sourceTitle' | 'sourceSite' | 'excerpt' | 'verifiedAt'>,
  postId: string,
): Promise<void> {
  await mentionsClient().patch(id).set(fields).commit({visibility: 'sync'})
  revalidatePingbacks(postId)
}

export async function deleteMention(id: string, postId: string | null): Promise<void> {
  await mentionsClient().delete(id, {visibility: 'sync'})
  revalidatePingbacks(postId)
}

export function weakPostReference(postId: string): MentionDocument['target'] {
  return {_type: 'reference', _ref: postId, _weak: true}
}
