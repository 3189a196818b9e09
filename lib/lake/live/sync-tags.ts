/**
 * Sync tags: opaque `s1:` strings on query responses that name what the result depends on, and
 * the same strings in Live Content API `message` events when a commit changes it. A client that
 * cached a result expires it when an event names one of its tags (next-sanity turns them into Next
 * cache tags `sanity:s1:…`).
 *
 * A result depends on (engine/read-set.ts):
 * - `d` **documents** whose content it shows or joined: one tag per published id. Documents the
 *   query only filtered or ordered by get no tag of their own: the membership tags cover them.
 * - `m` **membership** of each `*[…]` scan: one tag per (type, field) its filter and order read.
 *   A commit fires `m(type, field)` for each top-level field it changed on a document of that type
 *   (every field when it created or deleted one). So editing a post's body fires the post page's
 *   `d` tag only, while changing its `publishedAt` also fires every list ordered by it.
 * - `c` **content of a type**: instead of `d` tags when a result shows more documents than a cache
 *   can carry tags for (Next.js keeps at most 128 per entry); fired by any change to that type.
 * Tags are hashes of the dataset and key, so they are stable across restarts and reveal nothing;
 * privacy comes from the event streams: an anonymous stream only hears of changes to public
 * documents (live-events.ts), so it never learns that a draft or a private document changed.
 */
import {createHash} from 'node:crypto'
import {isDeepStrictEqual} from 'node:util'
import {publishedIdOf} from '../engine/ids'
import type {DocumentChange, ReadSet, SanityDocument} from '../engine/types'

export type SyncTag = `s1:${string}`

/** Above this many document tags a result is tagged by type instead. */
export const MAX_DOCUMENT_TAGS = 48
/** Above this many membership tags, a type's scans are tagged by type only. */
export const MAX_MEMBERSHIP_TAGS = 48
const ANY = '*'

export function syncTag(dataset: string, key: string): SyncTag {
  return `s1:${createHash('sha256').update(`${dataset}\u0000${key}`).digest('base64url').slice(0, 16)}`
}

const documentKey = (id: string) => `d\u0000${publishedIdOf(id)}`
const membershipKey = (type: string, field: string) => `m\u0000${type}\u0000${field}`
const contentKey = (type: string) => `c\u0000${type}`

/** The sync tags of a query result, from what the query read. */
export function syncTagsFor(dataset: string, readSet: ReadSet): SyncTag[] {
  const keys = new Set<string>()
  let membership: string[] = []
  /** Fields whose change fires one of this result's membership tags, per type ('*': any type). */
  const covered = new Map<string, Set<string> | null>()
  for (const scan of readSet.scans) {
    for (const type of scan.types ?? [ANY]) {
      for (const field of scan.fields ?? [ANY]) membership.push(membershipKey(type, field))
      const current = covered.get(type)
      if (current === null) continue
      covered.set(type, scan.fields === null ? null : new Set([...(current ?? []), ...scan.fields]))
    }
  }
  membership = [...new Set(membership)]
  if (membership.length > MAX_MEMBERSHIP_TAGS) {
    membership = [...new Set(readSet.scans.flatMap((scan) => (scan.types ?? [ANY]).map((type) => membershipKey(type, ANY))))]
  }
  for (const key of membership) keys.add(key)

  const documents: {id: string; type: string}[] = []
  for (const [id, read] of readSet.documents) {
    if (read.dereferenced || !coveredByMembership(read.type, read.fields, covered)) documents.push({id, type: read.type})
  }
  const documentKeys = new Set([...documents.map(({id}) => documentKey(id)), ...[...readSet.missing].map(documentKey)])
  if (documentKeys.size > MAX_DOCUMENT_TAGS) {
    for (const {type} of documents) keys.add(contentKey(type))
    // A missing reference can be created with any type.
    if (readSet.missing.size > 0) keys.add(contentKey(ANY))
  } else {
    for (const key of documentKeys) keys.add(key)
  }
  return [...keys].map((key) => syncTag(dataset, key)).sort()
}

function coveredByMembership(type: string, fields: Set<string> | null, covered: Map<string, Set<string> | null>): boolean {
  const sets = [covered.get(type), covered.get(ANY)]
  if (sets.some((set) => set === null)) return true
  if (fields === null) return false
  for (const field of fields) if (!sets.some((set) => set?.has(field))) return false
  return true
}

/** Top-level fields that differ between two versions (all of them when one side is missing). */
export function changedFields(before: SanityDocument | null, after: SanityDocument | null): Set<string> {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])
  if (!before || !after || before._type !== after._type) return keys
  const changed = new Set<string>()
  for (const key of keys) {
    if (!isDeepStrictEqual((before as Record<string, unknown>)[key], (after as Record<string, unknown>)[key])) changed.add(key)
  }
  return changed
}

/** The tags a committed change to one document fires. */
export function tagsForChange(dataset: string, change: Pick<DocumentChange, 'id' | 'before' | 'after'>): SyncTag[] {
  const fields = changedFields(change.before, change.after)
  const types = new Set([change.before?._type, change.after?._type].filter((type): type is string => typeof type === 'string'))
  const keys = new Set<string>([documentKey(change.id), contentKey(ANY), membershipKey(ANY, ANY)])
  for (const field of fields) keys.add(membershipKey(ANY, field))
  for (const type of types) {
    keys.add(contentKey(type)).add(membershipKey(type, ANY))
    for (const field of fields) keys.add(membershipKey(type, field))
  }
  return [...keys].map((key) => syncTag(dataset, key))
}
