import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import {MAX_CACHED_VARIANTS} from './limits'
import {writeAtomically} from './store'

/**
 * Transformed variants on disk (`<dataDir>/assets/variants/`), so a page of thumbnails costs one
 * sharp run per size ever. Small and bounded: past MAX_CACHED_VARIANTS files the least recently
 * used are deleted. Concurrent requests for the same variant share one transform.
 */
export class VariantCache {
  private readonly dir: string
  private readonly inFlight = new Map<string, Promise<Buffer>>()
  /** Key → last use, in insertion order of use (a Map keeps order: oldest first). */
  private readonly recency = new Map<string, number>()
  private scanned = false

  constructor(dataDir: string, private readonly limit: number = MAX_CACHED_VARIANTS) {
    this.dir = path.join(dataDir, 'assets', 'variants')
  }

  static keyOf(parts: string[]): string {
    return crypto.createHash('sha1').update(parts.join('\n')).digest('hex')
  }

  /** The cached variant, or the result of `make` (stored for next time). */
  async get(key: string, make: () => Promise<Buffer>): Promise<Buffer> {
    this.scan()
    const file = path.join(this.dir, key)
    try {
      const data = await fs.promises.readFile(file)
      this.touch(key)
      return data
    } catch {
      // not cached yet
    }
    const running = this.inFlight.get(key)
    if (running) return running
    const job = (async () => {
      const data = await make()
      await writeAtomically(file, data)
      this.touch(key)
      await this.evict()
      return data
    })().finally(() => this.inFlight.delete(key))
    this.inFlight.set(key, job)
    return job
  }

  private touch(key: string) {
    this.recency.delete(key)
    this.recency.set(key, Date.now())
  }

  /** Learns what a previous run left on disk, oldest first. */
  private scan() {
    if (this.scanned) return
    this.scanned = true
    let names: string[] = []
    try {
      names = fs.readdirSync(this.dir).filter((name) => /^[0-9a-f]{40}$/.test(name))
    } catch {
      return
    }
    const withTimes = names.map((name) => {
      try {
        return {name, time: fs.statSync(path.join(this.dir, name)).mtimeMs}
      } catch {
        return {name, time: 0}
      }
    })
    withTimes.sort((a, b) => a.time - b.time)
    for (const {name, time} of withTimes) this.recency.set(name, time)
  }

  private async evict() {
    while (this.recency.size > this.limit) {
      const oldest = this.recency.keys().next().value as string
      this.recency.delete(oldest)
      await fs.promises.rm(path.join(this.dir, oldest), {force: true})
    }
  }

  /** Number of variants currently tracked (for tests). */
  get size(): number {
    this.scan()
    return this.recency.size
  }
}
