/**
 * Freshness: how long after an editor publishes does a reader see the post? A post is created
 * through @sanity/client on the lake's HTTP URL with the site token; the home page and the RSS
 * feed are polled every 50 ms until they contain its title. The chain measured is the real one:
 * lake commit → Live Content API event (sync tags) → the site's subscriber → /api/revalidate → cache tags expired → response cache purged → re-render.
 */
import {createClient} from '@sanity/client'
import type {ReportSection} from './report'
import {formatMs, median, summarize} from './stats'
import {API_VERSION, DATASET} from './paths'

export interface FreshnessOptions {
  siteUrl: string
  lakeHttpUrl: string
  token: string
  runs: number
  pollMs: number
  timeoutMs: number
  log: (line: string) => void
}

export interface FreshnessRun {
  homeMs: number | null
  feedMs: number | null
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

async function pollUntil(url: string, needle: string, started: number, options: FreshnessOptions): Promise<number | null> {
  while (performance.now() - started < options.timeoutMs) {
    const pollStarted = performance.now()
    try {
      const response = await fetch(url)
      const text = await response.text()
      if (text.includes(needle)) return performance.now() - started
    } catch {
      // Keep polling: a failed request is not a fresh page.
    }
    const wait = options.pollMs - (performance.now() - pollStarted)
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
  }
  return null
}

export async function benchFreshness(options: FreshnessOptions): Promise<ReportSection> {
  const editor = createClient({
    projectId: 'dispatch',
    dataset: DATASET,
    apiVersion: API_VERSION,
    apiHost: options.lakeHttpUrl,
    useProjectHostname: false,
    useCdn: false,
    token: options.token,
    perspective: 'raw',
  })
  const runs: FreshnessRun[] = []
  for (let i = 0; i < options.runs; i++) {
    // Both pages warm and cached before the publish: we measure invalidation, not a cold start.
    for (const path of ['/', '/feed.xml']) await (await fetch(options.siteUrl + path)).arrayBuffer()
    const marker = `Freshness probe ${Date.now().toString(36)}-${i}`
    const started = performance.now()
    await editor.create({
      _id: `post-freshness-${Date.now().toString(36)}-${i}`,
      _type: 'post',
      title: marker,
      slug: {_type: 'slug', current: `freshness-${Date.now().toString(36)}-${i}`},
      excerpt: 'Published by the freshness benchmark.',
      publishedAt: new Date(Date.now() - 1000).toISOString(),
      author: {_type: 'reference', _ref: 'author-bench-0'},
      categories: [{_type: 'reference', _ref: 'category-politics', _key: 'c0'}],
      body: [{_type: 'block', _key: 'b0', style: 'normal', markDefs: [], children: [{_type: 'span', _key: 's0', text: 'Fresh news.', marks: []}]}],
      pingsOpen: false,
    })
    const [homeMs, feedMs] = await Promise.all([
      pollUntil(`${options.siteUrl}/`, marker, started, options),
      pollUntil(`${options.siteUrl}/feed.xml`, escapeXml(marker), started, options),
    ])
    runs.push({homeMs, feedMs})
    options.log(`  freshness run ${i + 1}: home ${homeMs === null ? 'timeout' : formatMs(homeMs)}, feed ${feedMs === null ? 'timeout' : formatMs(feedMs)}`)
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  const row = (label: string, values: (number | null)[]) => {
    const seen = values.filter((v): v is number => v !== null)
    const s = summarize(seen)
    return [label, `${seen.length} / ${values.length}`, formatMs(median(seen)), formatMs(s.min), formatMs(s.max)]
  }
  return {
    title: 'Freshness: publish → visible',
    method:
      'A post created through `@sanity/client` on the lake’s HTTP URL with the site token; the clock starts before the request. ' +
      `The production server’s home page and \`/feed.xml\` (both warm in its response cache) are polled every ${options.pollMs} ms until they show the new title. ` +
      `Median of ${options.runs} runs; the chain is lake commit → live event (sync tags) → \`/api/revalidate\` → tags expired → response cache purged → re-render.`,
    columns: ['page', 'runs seen', 'median', 'min', 'max'],
    rows: [row('home `/`', runs.map((r) => r.homeMs)), row('RSS `/feed.xml`', runs.map((r) => r.feedMs))],
    data: runs,
  }
}
