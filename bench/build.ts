/** The build section of the report: `next build` wall time and peak memory with the bench lake. */
import type {ReportSection} from './report'
import type {BuildFigures} from './site-stack'
import {formatBytes, formatMs} from './stats'

/** `reused`: the figures are those of the earlier bench build this run reused (--quick, --skip-build). */
export function buildSection(build: BuildFigures | null, posts: number, documents: number, reused = false): ReportSection {
  return {
    title: 'Build',
    method:
      `\`next build\` (into \`.next-bench\`) with the local lake holding ${documents.toLocaleString('en-US')} documents ` +
      `(${posts.toLocaleString('en-US')} synthetic posts plus the demo content). Wall time of the whole command; ` +
      'peak memory = the largest sum of RSS over the build’s process tree (all workers), sampled every 250 ms from /proc.',
    columns: ['result', 'wall time', 'peak RSS (process tree)', 'samples', 'load average at start'],
    rows: build
      ? [[build.ok ? 'ok' : `FAILED (see ${build.logFile})`, formatMs(build.wallMs), formatBytes(build.peakRssBytes), String(build.rssSamples), String(build.loadAverageAtStart)]]
      : [],
    data: build ? {...build, reused} : null,
    notes: !build
      ? ['Not measured: no earlier bench build to reuse. Run the full `npm run bench` once.']
      : reused
        ? [`Not rebuilt in this run: these are the figures of the bench build this run reused, measured ${build.at.replace('T', ' ').slice(0, 16)} UTC by \`npm run bench\`.`]
        : [],
  }
}
