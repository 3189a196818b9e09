/** The build section of the report: `next build` wall time and peak memory with the bench lake. */
import type {ReportSection} from './report'
import type {BuildFigures} from './site-stack'
import {formatBytes, formatMs} from './stats'

export function buildSection(build: BuildFigures | null, posts: number, documents: number, reason?: string): ReportSection {
  return {
    title: 'Build',
    method:
      `\`next build\` (into \`.next-bench\`) with the local lake holding ${documents.toLocaleString('en-US')} documents ` +
      `(${posts.toLocaleString('en-US')} synthetic posts plus the demo content). Wall time of the whole command; ` +
      'peak memory = the largest sum of RSS over the build’s process tree (all workers), sampled every 250 ms from /proc.',
    columns: ['result', 'wall time', 'peak RSS (process tree)', 'samples'],
    rows: build ? [[build.ok ? 'ok' : `FAILED (see ${build.logFile})`, formatMs(build.wallMs), formatBytes(build.peakRssBytes), String(build.rssSamples)]] : [],
    data: build,
    notes: build ? [] : [reason ?? 'Not run.'],
  }
}
