/**
 * Publishes scheduled Content Releases when their time comes, as Sanity's Content Lake does: one
 * timer for the earliest `publishAt` of all datasets, re-planned after every commit that touches a
 * release document and at start (a release that came due while the lake was down is published on
 * start). Publishing goes through the same `sanity.action.release.publish` action an editor's
 * "Publish now" sends, so it is one transaction and shows in history like any other.
 */
import type {Engine, Transaction} from '../engine/types'

const RELEASE_PREFIX = '_.releases.'
/** setTimeout's ceiling; a later release simply gets a new timer when this one fires. */
const MAX_DELAY_MS = 2 ** 31 - 1
export const SCHEDULER_AUTHOR = 'system:release-scheduler'

interface Due {
  dataset: string
  releaseId: string
  publishAt: number
}

export class ReleaseScheduler {
  private timer: NodeJS.Timeout | null = null
  private readonly unsubscribe: () => void
  private planning: Promise<void> = Promise.resolve()
  private closed = false

  constructor(
    private readonly engine: Engine,
    private readonly options: {log: (line: string) => void; now?: () => number},
  ) {
    this.unsubscribe = engine.subscribe((tx) => this.onCommit(tx))
    this.replan()
  }

  /** Resolves once the current planning (and any publishing it started) is done: for tests and shutdown. */
  idle(): Promise<void> {
    return this.planning
  }

  close(): void {
    this.closed = true
    this.unsubscribe()
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  private now(): number {
    return this.options.now?.() ?? Date.now()
  }

  private onCommit(tx: Transaction) {
    if (tx.author === SCHEDULER_AUTHOR) return // its own publish; planning continues after it
    if (tx.changes.some((change) => change.id.startsWith(RELEASE_PREFIX))) this.replan()
  }

  private replan() {
    this.planning = this.planning.then(() => this.plan()).catch((error: unknown) => this.options.log(`lake: release scheduler failed: ${(error as Error).message}`))
  }

  private async scheduled(): Promise<Due[]> {
    const due: Due[] = []
    for (const dataset of this.engine.datasets()) {
      const {result} = await this.engine.query(dataset, '*[_type == "system.release" && state == "scheduled" && defined(publishAt)]{name, publishAt}', {}, {perspective: 'raw'})
      for (const release of result as {name: string; publishAt: string}[]) {
        const publishAt = Date.parse(release.publishAt)
        if (!Number.isNaN(publishAt)) due.push({dataset, releaseId: release.name, publishAt})
      }
    }
    return due.sort((a, b) => a.publishAt - b.publishAt)
  }

  private async plan(): Promise<void> {
    if (this.closed) return
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    const releases = await this.scheduled()
    for (const release of releases.filter((r) => r.publishAt <= this.now())) await this.publish(release)
    const next = releases.find((r) => r.publishAt > this.now())
    if (!next || this.closed) return
    this.timer = setTimeout(() => this.replan(), Math.min(MAX_DELAY_MS, Math.max(0, next.publishAt - this.now())))
    this.timer.unref()
  }

  private async publish({dataset, releaseId}: Due) {
    try {
      await this.engine.act(dataset, [{actionType: 'sanity.action.release.publish', releaseId}], {author: SCHEDULER_AUTHOR})
      this.options.log(`lake: published scheduled release "${releaseId}" in "${dataset}"`)
    } catch (error) {
      // Left scheduled (e.g. a conflicting edit): the next commit or restart plans it again.
      this.options.log(`lake: could not publish scheduled release "${releaseId}": ${(error as Error).message}`)
    }
  }
}
