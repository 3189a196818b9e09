/**
 * What an import did, kind by kind: imported, skipped (with the reason and how often), failed (with
 * where and why), plus the things kept in a different form (unknown shortcodes and blocks kept as
 * text, dynamic blocks, images left at their old URL) and parse warnings with their line numbers.
 * The CLI prints it; tests read it.
 */
export const KINDS = ['posts', 'pages', 'authors', 'categories', 'tags', 'images', 'pingbacks', 'trackbacks', 'comments', 'redirects', 'other items'] as const
export type Kind = (typeof KINDS)[number]

export interface KindCounts {
  imported: number
  skipped: Map<string, number>
  failed: {where: string; message: string}[]
}

const MAX_LISTED = 50

/** A flat copy: texts taken from the export may be slices pinning a whole chunk of the file (see scan.ts). */
const own = (value: string): string => (value ? (JSON.parse(JSON.stringify(value)) as string) : '')

export class ImportSummary {
  readonly counts = new Map<Kind, KindCounts>(KINDS.map((k) => [k, {imported: 0, skipped: new Map(), failed: []}]))
  /** "unknown shortcode (kept as text)" → "[foo]" → number of posts. */
  readonly notes = new Map<string, Map<string, number>>()
  readonly warnings: string[] = []
  readonly info: string[] = []
  transactionIds: string[] = []
  /** The import run's id (`--undo <runId>` reverts it): the id of its last transaction. */
  runId = ''
  private warningCount = 0

  imported(kind: Kind, count = 1) {
    this.counts.get(kind)!.imported += count
  }
  skipped(kind: Kind, reason: string, count = 1) {
    const map = this.counts.get(kind)!.skipped
    const known = map.get(reason)
    map.set(known === undefined ? own(reason) : reason, (known ?? 0) + count)
  }
  failed(kind: Kind, where: string, message: string) {
    this.counts.get(kind)!.failed.push({where: own(where), message: own(message)})
  }
  note(kind: string, name: string) {
    const map = this.notes.get(kind) ?? new Map<string, number>()
    const known = map.get(name)
    map.set(known === undefined ? own(name) : name, (known ?? 0) + 1)
    this.notes.set(kind, map)
  }
  warn(message: string) {
    this.warningCount++
    if (this.warnings.length < MAX_LISTED) this.warnings.push(own(message))
  }
  get totalFailed(): number {
    return [...this.counts.values()].reduce((sum, c) => sum + c.failed.length, 0)
  }

  /** Plain-text report, one section per kind. */
  format(): string {
    const lines: string[] = []
    const width = Math.max(...KINDS.map((k) => k.length))
    for (const kind of KINDS) {
      const c = this.counts.get(kind)!
      const skipped = [...c.skipped.values()].reduce((a, b) => a + b, 0)
      if (c.imported === 0 && skipped === 0 && c.failed.length === 0) continue
      lines.push(`  ${kind.padEnd(width)}  ${String(c.imported).padStart(6)} imported  ${String(skipped).padStart(5)} skipped  ${String(c.failed.length).padStart(4)} failed`)
      for (const [reason, count] of c.skipped) lines.push(`      skipped ${count}: ${reason}`)
      for (const f of c.failed.slice(0, MAX_LISTED)) lines.push(`      FAILED ${f.where}: ${f.message}`)
      if (c.failed.length > MAX_LISTED) lines.push(`      … and ${c.failed.length - MAX_LISTED} more failures`)
    }
    for (const [kind, names] of this.notes) {
      const list = [...names].sort((a, b) => b[1] - a[1]).slice(0, 30).map(([name, n]) => `${name} (${n})`)
      lines.push(`  ${kind}: ${list.join(', ')}${names.size > 30 ? `, … ${names.size - 30} more` : ''}`)
    }
    for (const message of this.info) lines.push(`  note: ${message}`)
    if (this.warningCount) {
      lines.push(`  warnings (${this.warningCount}):`)
      for (const w of this.warnings) lines.push(`      ${w}`)
      if (this.warningCount > this.warnings.length) lines.push(`      … and ${this.warningCount - this.warnings.length} more`)
    }
    return lines.join('\n')
  }

  toJSON() {
    return {
      counts: Object.fromEntries(
        [...this.counts].map(([k, c]) => [k, {imported: c.imported, skipped: Object.fromEntries(c.skipped), failed: c.failed}]),
      ),
      notes: Object.fromEntries([...this.notes].map(([k, m]) => [k, Object.fromEntries(m)])),
      warnings: this.warnings,
      info: this.info,
      runId: this.runId,
      transactionIds: this.transactionIds,
    }
  }
}
