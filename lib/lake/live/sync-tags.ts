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
 * - when a result shows many documents of one type (more than PROMOTE_TYPE_AT, or more than a cache
 *   can carry tags for: Next.js keeps at most 128 per entry), their `d` tags are replaced by `m`
 *   tags for the fields read on them: a list of every post's categories fires when any post's
 *   categories change, not when a body does.
 * - `c` **any document**: only when a result joined too many missing references to name them.
 * Tags are hashes of the dataset and key, so they are stable across restarts and reveal nothing;
 * privacy comes from the event streams: an anonymous stream only hears of changes to public
 * documents (live-events.ts), so it never learns that a draft or a private document changed.
 */
import {createHash} from 'node:crypto'
import {isDeepStrictEqual} from 'node:util'
import {publishedIdOf} from '../engine/ids'
import type {DocumentChange, ReadSet, SanityDocument} from '../engine/types'

export type SyncTag = `s1:${string}`

/** At most this many document tags per result (Next.js keeps at most 128 tags per cache entry). */
export const MAX_DOCUMENT_TAGS = 48
/** A type with more documents than this to tag is tagged by the fields read instead. */
export const PROMOTE_TYPE_AT = 24
/** Above this many membership tags, a type's scans are tagged by type only. */
export const MAX_MEMBERSHIP_TAGS = 48
const ANY = '*'

export function syncTag(dataset: string, key: string): SyncTag {
  return `s1:${createHash('sha256').update(`${dataset}\u0000${key}`).digest('base64url').slice(0, 16)}`
}

const documentKey = (id: string) => `d\u0000${publishedIdOf(id)}`
const membershipKey = (type: string, field: string) => `m\u0000${type}\u0000${field}`
/** Only `c\u0000*` is handed out: "any change at all". */
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

  // Documents whose reads the membership tags do not cover need a tag of their own, unless a type
  // has so many (a list over every post reading their categories) that tagging which fields were
  // read, for any document of the type, is both fewer tags and nearly as precise.
  const byType = new Map<string, {id: string; fields: Set<string> | null}[]>()
  for (const [id, read] of readSet.documents) {
    if (!read.dereferenced && coveredByMembership(read.type, read.fields, covered)) continue
    const list = byType.get(read.type) ?? []
    list.push({id, fields: read.fields})
    byType.set(read.type, list)
  }
  const promote = (type: string) => {
    const docs = byType.get(type) ?? []
    const fields = docs.some((doc) => doc.fields === null) ? [ANY] : [...new Set(docs.flatMap((doc) => [...(doc.fields ?? [])]))]
    for (const field of fields) keys.add(membershipKey(type, field))
    byType.delete(type)
  }
  for (const [type, docs] of [...byType]) if (docs.length > PROMOTE_TYPE_AT) promote(type)
  const count = () => [...byType.values()].reduce((sum, docs) => sum + docs.length, 0) + readSet.missing.size
  while (count() > MAX_DOCUMENT_TAGS && byType.size > 0) {
    promote([...byType].sort((a, b) => b[1].length - a[1].length)[0][0])
  }
  for (const docs of byType.values()) for (const {id} of docs) keys.add(documentKey(id))
  if (readSet.missing.size > MAX_DOCUMENT_TAGS) keys.add(contentKey(ANY))
  else for (const id of readSet.missing) keys.add(documentKey(id))
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
  const keys = new Set<string>([contentKey(ANY), membershipKey(ANY, ANY)])
  for (const field of fields) keys.add(membershipKey(ANY, field))
  for (const type of types) {
    keys.add(membershipKey(type, ANY))
    for (const field of fields) keys.add(membershipKey(type, field))
  }
  return [syncTag(dataset, documentKey(change.id)), ...[...keys].map((key) => sharedTag(dataset, key))]
}

/**
 * Tags of keys many changes share (types and fields, not document ids), hashed once: an import
 * batch's documents fire the same few dozen of them each, and hashing them again was most of the
 * live event log's work for it. Bounded: cleared when it holds MAX_SHARED_TAGS.
 */
const sharedTags = new Map<string, SyncTag>()
const MAX_SHARED_TAGS = 10_000

function sharedTag(dataset: string, key: string): SyncTag {
  const cacheKey = `${dataset}\u0000${key}`
  let tag = sharedTags.get(cacheKey)
  if (tag === undefined) {
    if (sharedTags.size >= MAX_SHARED_TAGS) sharedTags.clear()
    tag = syncTag(dataset, key)
    sharedTags.set(cacheKey, tag)
  }
  return tag
}
