import {describe, expect, it} from 'vitest'
import {diagnose, lighthouseSection, type LighthouseFigure} from '@/bench/lighthouse'

describe('bench Lighthouse diagnosis', () => {
  it('names the LCP element, its phases, render-blocking requests and the costliest scripts', () => {
    const lhr = {
      categories: {},
      audits: {
        'largest-contentful-paint-element': {
          id: 'largest-contentful-paint-element', title: '', score: 0, scoreDisplayMode: 'metricSavings',
          details: {
            type: 'list',
            items: [
              {type: 'table', items: [{node: {snippet: '<h1 class="headline">', nodeLabel: 'Venezuelan officers'}}]},
              {type: 'table', items: [{phase: 'TTFB', timing: 600.4}, {phase: 'Render Delay', timing: 1900.6}]},
            ],
          },
        },
        'render-blocking-resources': {id: 'render-blocking-resources', title: '', score: 0.5, scoreDisplayMode: 'metricSavings', details: {items: [{url: 'http://x/_next/static/chunks/a.css', wastedMs: 310}]}},
        'bootup-time': {
          id: 'bootup-time', title: '', score: 1, scoreDisplayMode: 'numeric',
          details: {items: [{url: 'http://x/_next/static/chunks/small.js', total: 20, scripting: 10}, {url: 'http://x/_next/static/chunks/big.js', total: 400, scripting: 350}]},
        },
      },
    }
    const lines = diagnose(lhr)
    expect(lines).toEqual([
      'LCP element: <h1 class="headline"> (“Venezuelan officers”)',
      'LCP phases: TTFB 600 ms, Render Delay 1901 ms',
      'render-blocking: chunks/a.css (310 ms)',
      'main thread by script: chunks/big.js 400 ms (350 scripting), chunks/small.js 20 ms (10 scripting)',
    ])
    const figure = {route: 'post', path: '/p', runs: 1, performanceRuns: [0.9], performance: 0.9, accessibility: 1, bestPractices: 1, seo: 1,
      metrics: {fcpMs: 1, lcpMs: 1, tbtMs: 1, cls: 0, speedIndexMs: 1}, flagged: [], diagnosis: lines, loadAverageAtStart: 1} satisfies LighthouseFigure
    expect(lighthouseSection([figure]).notes?.at(-1)).toContain('post, where the time goes — LCP element: <h1')
  })

  it('says nothing it does not know', () => {
    expect(diagnose({categories: {}, audits: {}})).toEqual([])
  })
})
