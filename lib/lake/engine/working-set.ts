/**
 * The state a transaction works on: the committed documents plus the transaction's own changes so
 * far, so later mutations in a transaction see earlier ones. Nothing here touches storage; the
 * engine commits `changes()` in one SQLite transaction or throws it all away.
 */
import {compareIds} from './perspective'
import type {SanityDocument} from './types'

export class WorkingSet {
  private readonly overlay = new Map<string, SanityDocument | null>()
  private readonly original = new Map<string, SanityDocument | null>()

  constructor(
    private readonly committed: (id: string) => SanityDocument | undefined,
    private readonly committedAll: () => readonly SanityDocument[],
  ) {}

  get(id: string): SanityDocument | null {
    if (this.overlay.has(id)) return this.overlay.get(id) ?? null
    return this.committed(id) ?? null
  }

  put(id: string, doc: SanityDocument | null): void {
    if (!this.original.has(id)) this.original.set(id, this.committed(id) ?? null)
    this.overlay.set(id, doc)
  }

  /** Every document as the transaction currently sees it, sorted by `_id` (for query targets). */
  all(): SanityDocument[] {
    if (this.overlay.size === 0) return this.committedAll().slice()
    const result: SanityDocument[] = []
    for (const doc of this.committedAll()) {
      if (!this.overlay.has(doc._id)) result.push(doc)
    }
    for (const doc of this.overlay.values()) if (doc) result.push(doc)
    return result.sort((a, b) => compareIds(a._id, b._id))
  }

  /** Documents the transaction changed, with their committed and new versions. */
  changes(): {id: string; before: SanityDocument | null; after: SanityDocument | null}[] {
    const result = []
    for (const [id, after] of this.overlay) {
      const before = this.original.get(id) ?? null
      if (before === null && after === null) continue
      result.push({id, before, after})
    }
    return result
  }
}
