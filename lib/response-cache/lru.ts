/**
 * A byte-bounded LRU map. `Map` keeps insertion order, so re-inserting on access makes the first
 * key the least recently used one.
 */
export class ByteLru<V extends {bytes: number}> {
  private readonly entries = new Map<string, V>()
  private totalBytes = 0

  constructor(private readonly maxBytes: number) {}

  get(key: string): V | undefined {
    const value = this.entries.get(key)
    if (value === undefined) return undefined
    this.entries.delete(key)
    this.entries.set(key, value)
    return value
  }

  set(key: string, value: V): boolean {
    if (value.bytes > this.maxBytes) return false
    this.delete(key)
    this.entries.set(key, value)
    this.totalBytes += value.bytes
    while (this.totalBytes > this.maxBytes) {
      const oldest = this.entries.keys().next().value
      if (oldest === undefined) break
      this.delete(oldest)
    }
    return true
  }

  delete(key: string): boolean {
    const value = this.entries.get(key)
    if (value === undefined) return false
    this.entries.delete(key)
    this.totalBytes -= value.bytes
    return true
  }

  clear(): void {
    this.entries.clear()
    this.totalBytes = 0
  }

  keys(): IterableIterator<string> {
    return this.entries.keys()
  }

  entriesView(): IterableIterator<[string, V]> {
    return this.entries.entries()
  }

  get size(): number {
    return this.entries.size
  }

  get bytes(): number {
    return this.totalBytes
  }
}
