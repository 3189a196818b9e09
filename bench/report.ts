/**
 * The benchmark report: sections of rows, each section saying what was measured and how. Printed
 * as Markdown tables (the same text goes into the README), and saved with the raw figures as
 * bench/results.json.
 */
import os from 'node:os'

export interface ReportSection {
  title: string
  /** What was measured and how, in one or two sentences. Printed above the table. */
  method: string
  columns: string[]
  rows: string[][]
  /** Raw figures behind the rows (unformatted), for results.json. */
  data?: unknown
  /** Anything that qualifies the figures (skipped parts, failures). */
  notes?: string[]
}

export interface MachineInfo {
  cpus: number
  cpuModel: string
  totalMemory: number
  freeMemoryAtStart: number
  loadAverageAtStart: number[]
  node: string
  platform: string
}

export interface Report {
  mode: 'full' | 'quick'
  /** The command-line options of the run, e.g. ['--skip-build']. */
  options: string[]
  loadAverageAtEnd?: number[]
  startedAt: string
  finishedAt?: string
  durationMs?: number
  machine: MachineInfo
  sections: ReportSection[]
}

export function describeMachine(): MachineInfo {
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    totalMemory: os.totalmem(),
    freeMemoryAtStart: os.freemem(),
    loadAverageAtStart: os.loadavg().map((load) => Math.round(load * 100) / 100),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
  }
}

/** Escapes what would break a Markdown table cell. */
function cell(value: string): string {
  return value.replace(/\|/g, '\\|').replace(/\n/g, ' ')
}

export function markdownTable(columns: string[], rows: string[][]): string {
  const width = columns.length
  const line = (values: string[]) => `| ${Array.from({length: width}, (_, i) => cell(values[i] ?? '')).join(' | ')} |`
  return [line(columns), `|${columns.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n')
}

export function renderSection(section: ReportSection): string {
  const parts = [`#### ${section.title}`, '', section.method, '']
  if (section.rows.length > 0) parts.push(markdownTable(section.columns, section.rows), '')
  for (const note of section.notes ?? []) parts.push(`- ${note}`)
  if (section.notes?.length) parts.push('')
  return parts.join('\n')
}

const GIB = 1024 * 1024 * 1024

export function renderMachine(report: Report): string {
  const m = report.machine
  return [
    `Run: \`npm run bench${report.options.length ? ' -- ' + report.options.join(' ') : ''}\` on ${report.startedAt.slice(0, 16).replace('T', ' ')} UTC` +
      (report.durationMs ? `, took ${Math.round(report.durationMs / 1000)} s.` : '.'),
    `Machine: ${m.cpus} CPUs (\`nproc\`; ${m.cpuModel}), ${(m.totalMemory / GIB).toFixed(1)} GiB RAM ` +
      `(${(m.freeMemoryAtStart / GIB).toFixed(1)} GiB free at start), Node ${m.node}, ${m.platform}; ` +
      `load average (1/5/15 min) at start ${m.loadAverageAtStart.join(' / ')}` +
      (report.loadAverageAtEnd ? `, at end ${report.loadAverageAtEnd.join(' / ')}.` : '.'),
  ].join('\n')
}

export function renderReport(report: Report): string {
  return [renderMachine(report), '', ...report.sections.map(renderSection)].join('\n').trimEnd() + '\n'
}

export const README_START = '<!-- bench:start (written by `npm run bench -- --update-readme`) -->'
export const README_END = '<!-- bench:end -->'

/** Replaces the generated part of the README's Benchmarks section; throws if the markers are missing. */
export function replaceReadmeResults(readme: string, generated: string): string {
  const start = readme.indexOf(README_START)
  const end = readme.indexOf(README_END)
  if (start === -1 || end === -1 || end < start) throw new Error('README.md has no bench:start/bench:end markers')
  return readme.slice(0, start + README_START.length) + '\n' + generated + readme.slice(end)
}

/**
 * A partial run (`--only=reader`) replaces just its own sections inside the generated part, each
 * prefixed with a line naming the run it comes from; sections not yet in the README go before
 * `beforeTitle` (or at the end). The other sections keep the figures of the run that wrote them.
 */
export function replaceReadmeSections(readme: string, report: Report, beforeTitle?: string): string {
  const start = readme.indexOf(README_START)
  const end = readme.indexOf(README_END)
  if (start === -1 || end === -1 || end < start) throw new Error('README.md has no bench:start/bench:end markers')
  let body = readme.slice(start + README_START.length, end)
  const m = report.machine
  const from =
    `_From a separate run: \`npm run bench -- ${report.options.join(' ')}\` on ${report.startedAt.slice(0, 16).replace('T', ' ')} UTC, ` +
    `same machine, load average (1/5/15 min) at start ${m.loadAverageAtStart.join(' / ')}._\n\n`
  for (const section of report.sections) {
    const text = renderSection(section).replace(/^(#### [^\n]*\n\n)/, `$1${from}`)
    const heading = `\n#### ${section.title}\n`
    const at = body.indexOf(heading)
    if (at !== -1) {
      const next = body.indexOf('\n#### ', at + heading.length)
      body = body.slice(0, at + 1) + text + (next === -1 ? '' : body.slice(next))
      continue
    }
    const before = beforeTitle ? body.indexOf(`\n#### ${beforeTitle}`) : -1
    body = before === -1 ? body + text : body.slice(0, before + 1) + text + '\n' + body.slice(before + 1)
  }
  return readme.slice(0, start + README_START.length) + body + readme.slice(end)
}
