/** A small least-recently-used cache (Map keeps insertion order; re-inserting marks as recent). */
export class LruCache<K, V> {
  private readonly entries_ = new Map<K, V>()

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    const value = this.entries_.get(key)
    if (value !== undefined) {
      this.entries_.delete(key)
      this.entries_.set(key, value)
    }
    return value
  }

  set(key: K, value: V): void {
    this.entries_.delete(key)
    this.entries_.set(key, value)
    if (this.entries_.size > this.capacity) {
      const oldest = this.entries_.keys().next()
      if (!oldest.done) this.entries_.delete(oldest.value)
    }
  }

  /** Entries from least to most recently used (does not count as use). */
  entries(): IterableIterator<[K, V]> {
    return this.entries_.entries()
  }

  get size(): number {
    return this.entries_.size
  }
}
