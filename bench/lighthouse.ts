/**
 * Lighthouse (the `lighthouse` npm package, mobile preset: simulated slow 4G and 4× CPU slowdown)
 * against reader pages of the production server, in Debian's Chromium, headless and offline.
 * Each page is audited several times and the run with the median performance score is reported,
 * with its metrics and the audits that cost points, so the figures say what to fix.
 */
import os from 'node:os'
import type {ReportSection} from './report'

export interface LighthouseFigure {
  route: string
  path: string
  runs: number
  /** Performance scores of every run, in order (0–1). */
  performanceRuns: number[]
  performance: number
  accessibility: number
  bestPractices: number
  seo: number
  metrics: {fcpMs: number; lcpMs: number; tbtMs: number; cls: number; speedIndexMs: number}
  /** Audits scoring below 0.9 in the median run (id: title). */
  flagged: string[]
  /** What costs the time in the median run: the LCP element and its phases, render-blocking requests, the scripts that keep the main thread busy. */
  diagnosis: string[]
  loadAverageAtStart: number
}

export const CHROMIUM = process.env.CHROME_PATH || '/usr/bin/chromium'

/** Whether the optional `lighthouse` package is installed (a devDependency; the bench skips the step without it). */
export async function lighthouseAvailable(): Promise<boolean> {
  try {
    await import('lighthouse')
    return true
  } catch {
    return false
  }
}

type DetailItem = Record<string, unknown>
type Details = {type?: string; items?: (DetailItem & {items?: DetailItem[]})[]}
type Lhr = {
  categories: Record<string, {score: number | null}>
  audits: Record<string, {id: string; title: string; score: number | null; scoreDisplayMode: string; numericValue?: number; details?: Details}>
  runtimeError?: {code: string; message: string}
}

const shortUrl = (url: unknown) => String(url).replace(/^https?:\/\/[^/]+/, '').replace(/^\/_next\/static\//, '')
const round = (value: unknown) => Math.round(Number(value) || 0)

/** The LCP element, its phases, render-blocking requests and the costliest scripts, in a few words each. */
export function diagnose(lhr: Lhr): string[] {
  const lines: string[] = []
  const lcp = lhr.audits['largest-contentful-paint-element']?.details?.items ?? []
  const node = (lcp[0]?.items?.[0] as {node?: {nodeLabel?: string; snippet?: string}} | undefined)?.node
  if (node) lines.push(`LCP element: ${String(node.snippet ?? '').slice(0, 90)} (“${String(node.nodeLabel ?? '').slice(0, 50)}”)`)
  const phases = (lcp[1]?.items ?? []) as {phase?: string; timing?: number}[]
  if (phases.length) lines.push(`LCP phases: ${phases.map((p) => `${p.phase} ${round(p.timing)} ms`).join(', ')}`)
  const blocking = (lhr.audits['render-blocking-resources']?.details?.items ?? []) as {url?: string; wastedMs?: number}[]
  if (blocking.length) lines.push(`render-blocking: ${blocking.map((b) => `${shortUrl(b.url)} (${round(b.wastedMs)} ms)`).join(', ')}`)
  const bootup = ((lhr.audits['bootup-time']?.details?.items ?? []) as {url?: string; total?: number; scripting?: number}[])
    .slice()
    .sort((a, b) => Number(b.total) - Number(a.total))
    .slice(0, 4)
  if (bootup.length) lines.push(`main thread by script: ${bootup.map((b) => `${shortUrl(b.url)} ${round(b.total)} ms (${round(b.scripting)} scripting)`).join(', ')}`)
  const tasks = ((lhr.audits['long-tasks']?.details?.items ?? []) as {url?: string; duration?: number}[]).slice(0, 4)
  if (tasks.length) lines.push(`long tasks: ${tasks.map((t) => `${shortUrl(t.url)} ${round(t.duration)} ms`).join(', ')}`)
  return lines
}

async function auditOnce(url: string, port: number): Promise<Lhr> {
  const {default: lighthouse} = await import('lighthouse')
  const result = await lighthouse(url, {port, output: 'json', logLevel: 'error', onlyCategories: ['performance', 'accessibility', 'best-practices', 'seo']})
  if (!result) throw new Error(`Lighthouse returned nothing for ${url}`)
  const lhr = result.lhr as unknown as Lhr
  if (lhr.runtimeError) throw new Error(`Lighthouse: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`)
  return lhr
}

const score = (lhr: Lhr, category: string) => lhr.categories[category]?.score ?? 0
const numeric = (lhr: Lhr, audit: string) => lhr.audits[audit]?.numericValue ?? NaN

export async function runLighthouse(
  origin: string,
  routes: {label: string; path: string}[],
  options: {runs: number; log: (line: string) => void},
): Promise<LighthouseFigure[]> {
  const {launch} = await import('chrome-launcher')
  const chrome = await launch({
    chromePath: CHROMIUM,
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update'],
  })
  const figures: LighthouseFigure[] = []
  try {
    for (const route of routes) {
      const url = origin + route.path
      const loadAverageAtStart = os.loadavg()[0]
      // One unmeasured visit first: the response cache and the image pipeline are then warm, as for readers.
      await fetch(url).then((response) => response.arrayBuffer())
      const runs: Lhr[] = []
      for (let i = 0; i < options.runs; i++) runs.push(await auditOnce(url, chrome.port))
      const sorted = [...runs].sort((a, b) => score(a, 'performance') - score(b, 'performance'))
      const median = sorted[Math.floor(sorted.length / 2)]
      const flagged = Object.values(median.audits)
        .filter((audit) => audit.score !== null && audit.score < 0.9 && ['binary', 'numeric', 'metricSavings'].includes(audit.scoreDisplayMode))
        .map((audit) => `${audit.id}: ${audit.title}`)
      const figure: LighthouseFigure = {
        route: route.label,
        path: route.path,
        runs: runs.length,
        performanceRuns: runs.map((run) => score(run, 'performance')),
        performance: score(median, 'performance'),
        accessibility: score(median, 'accessibility'),
        bestPractices: score(median, 'best-practices'),
        seo: score(median, 'seo'),
        metrics: {
          fcpMs: numeric(median, 'first-contentful-paint'),
          lcpMs: numeric(median, 'largest-contentful-paint'),
          tbtMs: numeric(median, 'total-blocking-time'),
          cls: numeric(median, 'cumulative-layout-shift'),
          speedIndexMs: numeric(median, 'speed-index'),
        },
        flagged,
        diagnosis: diagnose(median),
        loadAverageAtStart: Math.round(loadAverageAtStart * 100) / 100,
      }
      options.log(`    ${route.label}: performance ${figure.performanceRuns.join(' / ')}`)
      for (const line of figure.diagnosis) options.log(`      ${line}`)
      figures.push(figure)
    }
  } finally {
    chrome.kill()
  }
  return figures
}

const ms = (value: number) => (Number.isFinite(value) ? `${Math.round(value).toLocaleString('en')} ms` : '–')

export function lighthouseSection(figures: LighthouseFigure[], skipped?: string): ReportSection {
  const runs = figures[0]?.runs ?? 0
  return {
    title: 'Lighthouse (mobile)',
    method:
      'The `lighthouse` package (12.2.3, default mobile preset: simulated slow 4G, 4× CPU slowdown, Moto G Power viewport) in Debian’s Chromium ' +
      '(`--headless=new --no-sandbox`), against the production server on loopback (response cache warm). ' +
      `Each page ${runs} times; the run with the median performance score is shown, with its metrics. ` +
      'Simulated metrics scale with how busy the CPU was: the load average before each page is given. Target (#16.15): performance ≥ 0.95 on home and post.',
    columns: ['route', 'path', 'performance (runs)', 'accessibility', 'best practices', 'SEO', 'FCP', 'LCP', 'TBT', 'CLS', 'load avg'],
    rows: figures.map((f) => [
      f.route,
      `\`${f.path}\``,
      `${f.performance.toFixed(2)} (${f.performanceRuns.map((value) => value.toFixed(2)).join(', ')})`,
      f.accessibility.toFixed(2),
      f.bestPractices.toFixed(2),
      f.seo.toFixed(2),
      ms(f.metrics.fcpMs),
      ms(f.metrics.lcpMs),
      ms(f.metrics.tbtMs),
      Number.isFinite(f.metrics.cls) ? f.metrics.cls.toFixed(3) : '–',
      String(f.loadAverageAtStart),
    ]),
    data: figures,
    notes: [
      ...(skipped ? [skipped] : []),
      ...figures.filter((f) => f.flagged.length).map((f) => `${f.route}: audits below 0.9 — ${f.flagged.join('; ')}`),
      ...figures.filter((f) => f.diagnosis?.length).map((f) => `${f.route}, where the time goes — ${f.diagnosis.join('; ')}`),
    ],
  }
}
