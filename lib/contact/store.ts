/**
 * Files a contact message in the lake (or hosted Sanity) as a private `contactMessage` document.
 *
 * The id `contact.<uuid>` has a dot prefix, so the content API never returns it without a token
 * (docs/data-model.md). The create is awaited with `visibility: 'sync'`: when this resolves, the
 * lake has committed the message durably — only then may the reader be told it was sent.
 */
import crypto from 'node:crypto'
import type {SanityClient} from '@sanity/client'
import {contactPostQuery} from '@/sanity/lib/queries'
import type {ContactMessageInput} from './fields'

export type DeliveryState = 'not-configured' | 'pending' | 'sent' | 'failed'

export interface ContactMessageDocument {
  _id: string
  _type: 'contactMessage'
  name: string
  email: string
  subject?: string
  message: string
  receivedAt: string
  status: 'new' | 'handled'
  delivery: {state: DeliveryState; attempts: number; lastAttemptAt?: string; error?: string}
  post?: {_type: 'reference'; _ref: string; _weak: true}
}

// Sanity document ids: letters, digits, `_`, `-`, `.`; published posts have no `drafts.`/`versions.`
// prefix (and no other dotted prefix: those are private documents).
const PUBLIC_ID = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,127}$/

/**
 * The post a message was sent from, if the form named one that exists. A bad or unknown id is
 * not the reader's fault and not worth refusing the message over: it is simply not linked.
 */
export async function resolvePostId(client: SanityClient, postId: unknown): Promise<string | undefined> {
  if (typeof postId !== 'string' || !PUBLIC_ID.test(postId)) return undefined
  const post = await client.fetch<{_id: string} | null>(contactPostQuery, {postId}, {perspective: 'raw'})
  return post?._id
}

export function buildContactMessage(
  input: ContactMessageInput,
  options: {now: Date; postId?: string; mailConfigured: boolean},
): ContactMessageDocument {
  return {
    _id: `contact.${crypto.randomUUID()}`,
    _type: 'contactMessage',
    name: input.name,
    email: input.email,
    ...(input.subject ? {subject: input.subject} : {}),
    message: input.message,
    receivedAt: options.now.toISOString(),
    status: 'new',
    delivery: {state: options.mailConfigured ? 'pending' : 'not-configured', attempts: 0},
    ...(options.postId ? {post: {_type: 'reference', _ref: options.postId, _weak: true}} : {}),
  }
}

/** Creates the document and resolves once the backend acknowledged the commit. */
export async function storeContactMessage(client: SanityClient, document: ContactMessageDocument): Promise<string> {
  const created = await client.create(document, {visibility: 'sync', returnDocuments: true})
  return created._id
}
