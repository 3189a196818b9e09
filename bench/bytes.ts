/**
 * Bytes shipped per route: the HTML document, and the JavaScript its `<script src>` tags load,
 * read from the build output (.next-bench/static), raw and gzip-compressed.
 */
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import {DIST_DIR, REPO_ROOT} from './paths'
import type {ReportSection} from './report'
import {formatBytes} from './stats'

export interface RouteBytes {
  route: string
  path: string
  status: number
  htmlRaw: number
  htmlGzip: number
  scripts: number
  jsRaw: number
  jsGzip: number
  /** `<script nomodule>` (Next's legacy polyfills): current browsers never download them. */
  noModuleGzip: number
  missing: string[]
}

const gzipSize = (data: Buffer) => zlib.gzipSync(data, {level: 6}).length

/** #16.15: every reader page (everything but the Studio) ships at most this much JavaScript, gzip. */
export const READER_JS_BUDGET_BYTES = 180 * 1024

/**
 * A page's JavaScript counted the strictest way: what a browser without module support downloads
 * (the module scripts are skipped by it, but counting them too gives an upper bound for any browser).
 */
export const jsGzipWithPolyfills = (figures: Pick<RouteBytes, 'jsGzip' | 'noModuleGzip'>) => figures.jsGzip + figures.noModuleGzip

/**
 * Whether a route's JavaScript is within the reader budget however it is counted — the module
 * scripts current browsers load, and those plus Next's `nomodule` polyfills; null for the Studio
 * (no budget).
 */
export function withinReaderBudget(figures: Pick<RouteBytes, 'route' | 'jsGzip' | 'noModuleGzip'>): boolean | null {
  return figures.route === 'studio' ? null : jsGzipWithPolyfills(figures) <= READER_JS_BUDGET_BYTES
}

/** `<script src>` URLs of an HTML document, in order, without duplicates. */
export function scriptSources(html: string): string[] {
  return [...new Set(scriptTags(html).map((tag) => tag.src))]
}

/** Each `<script src>` with whether it is `nomodule` (skipped by every browser that runs modules). */
export function scriptTags(html: string): {src: string; noModule: boolean}[] {
  return [...html.matchAll(/<script\b([^>]*?)\bsrc="([^"]+)"([^>]*)>/g)].map((match) => ({
    src: match[2].replace(/&amp;/g, '&'),
    noModule: /\bnomodule\b/i.test(match[1] + match[3]),
  }))
}

/** Maps `/_next/static/…` (any query string dropped) to the file in the build's static dir. */
export function staticFileFor(src: string, distDir = path.join(REPO_ROOT, DIST_DIR)): string | null {
  const pathname = new URL(src, 'http://x').pathname
  const prefix = '/_next/static/'
  if (!pathname.startsWith(prefix)) return null
  const relative = decodeURIComponent(pathname.slice(prefix.length))
  const file = path.resolve(distDir, 'static', relative)
  return file.startsWith(path.resolve(distDir, 'static') + path.sep) ? file : null
}

export async function measureRouteBytes(
  origin: string,
  route: {label: string; path: string},
  distDir = path.join(REPO_ROOT, DIST_DIR),
): Promise<RouteBytes> {
  const response = await fetch(origin + route.path, {headers: {'accept-encoding': 'identity'}})
  const html = Buffer.from(await response.arrayBuffer())
  const figures: RouteBytes = {
    route: route.label,
    path: route.path,
    status: response.status,
    htmlRaw: html.length,
    htmlGzip: gzipSize(html),
    scripts: 0,
    jsRaw: 0,
    jsGzip: 0,
    noModuleGzip: 0,
    missing: [],
  }
  const seen = new Set<string>()
  for (const {src, noModule} of scriptTags(html.toString('utf8'))) {
    if (seen.has(src)) continue
    seen.add(src)
    const file = staticFileFor(src, distDir)
    if (!file || !fs.existsSync(file)) {
      figures.missing.push(src)
      continue
    }
    const data = fs.readFileSync(file)
    if (noModule) {
      figures.noModuleGzip += gzipSize(data)
      continue
    }
    figures.scripts++
    figures.jsRaw += data.length
    figures.jsGzip += gzipSize(data)
  }
  return figures
}

export function bytesSection(figures: RouteBytes[]): ReportSection {
  return {
    title: 'Bytes shipped per route',
    method:
      'Each page fetched from the production server; its HTML measured as served (uncompressed) and gzip-compressed (level 6); ' +
      'the JavaScript is every `<script src>` in that HTML, read from the build output (`.next-bench/static`) and summed, raw and gzip: ' +
      '“JS gzip” counts the module scripts every current browser loads, “+ nomodule” adds Next’s `<script nomodule>` legacy-browser ' +
      'polyfills (downloaded only by browsers without module support), the strictest count. ' +
      'Chunks a page loads later by dynamic `import()` are not counted. ' +
      `Budget: at most ${formatBytes(READER_JS_BUDGET_BYTES)} of JavaScript (gzip) on every reader page, counted both ways; the Studio has none.`,
    columns: ['route', 'path', 'HTML raw', 'HTML gzip', 'scripts', 'JS raw', 'JS gzip', 'JS gzip + nomodule', 'JS budget'],
    rows: figures.map((f) => [
      f.route,
      `\`${f.path}\`` + (f.status === 200 ? '' : ` (HTTP ${f.status})`),
      formatBytes(f.htmlRaw),
      formatBytes(f.htmlGzip),
      String(f.scripts),
      formatBytes(f.jsRaw),
      formatBytes(f.jsGzip),
      formatBytes(jsGzipWithPolyfills(f)),
      withinReaderBudget(f) === null ? '–' : withinReaderBudget(f) ? 'within' : `**over by ${formatBytes(jsGzipWithPolyfills(f) - READER_JS_BUDGET_BYTES)}**`,
    ]),
    data: figures,
    notes: [
      ...figures.filter((f) => f.noModuleGzip > 0).slice(0, 1).map((f) => `The \`nomodule\` polyfills are ${formatBytes(f.noModuleGzip)} gzip on every page.`),
      ...figures.filter((f) => f.missing.length).map((f) => `${f.path}: ${f.missing.length} script(s) not found in the build: ${f.missing.slice(0, 3).join(', ')}`),
    ],
  }
}
