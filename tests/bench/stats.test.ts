import {describe, expect, it} from 'vitest'
import {formatBytes, formatMs, formatRate, formatRatio, median, percentile, summarize} from '@/bench/stats'
import {markdownTable, README_END, README_START, replaceReadmeResults, replaceReadmeSections, type Report} from '@/bench/report'

describe('bench statistics', () => {
  it('interpolates percentiles between closest ranks', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5)
    expect(percentile([4, 1, 3, 2], 0)).toBe(1)
    expect(percentile([4, 1, 3, 2], 100)).toBe(4)
    expect(percentile([10], 99)).toBe(10)
    const hundred = Array.from({length: 101}, (_, i) => i)
    expect(percentile(hundred, 90)).toBe(90)
    expect(percentile(hundred, 99)).toBe(99)
    expect(median([5, 1, 9])).toBe(5)
    expect(Number.isNaN(percentile([], 50))).toBe(true)
    expect(() => percentile([1], 101)).toThrow(RangeError)
  })

  it('does not reorder the caller’s samples', () => {
    const samples = [3, 1, 2]
    percentile(samples, 50)
    expect(samples).toEqual([3, 1, 2])
  })

  it('summarizes samples', () => {
    expect(summarize([1, 2, 3, 4, 5])).toEqual({count: 5, min: 1, p50: 3, p90: 4.6, p99: 4.96, max: 5, mean: 3})
    expect(summarize([]).count).toBe(0)
  })

  it('formats ratios without Infinity or false precision', () => {
    expect(formatRatio(42, 100)).toBe('0.42×')
    expect(formatRatio(310, 100)).toBe('3.1×')
    expect(formatRatio(1234, 100)).toBe('12×')
    expect(formatRatio(5, 0)).toBe('n/a')
    expect(formatRatio(Number.NaN, 3)).toBe('n/a')
  })

  it('formats times, sizes and rates', () => {
    expect(formatMs(0.0421)).toBe('0.042 ms')
    expect(formatMs(3.44)).toBe('3.4 ms')
    expect(formatMs(120.4)).toBe('120 ms')
    expect(formatMs(12_345)).toBe('12.3 s')
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(12_595)).toBe('12.3 KiB')
    expect(formatBytes(1.5 * 1024 * 1024)).toBe('1.5 MiB')
    expect(formatRate(12_345.6)).toBe('12,346')
    expect(formatRate(42.25)).toBe('42.3')
    expect(formatRate(Number.NaN)).toBe('n/a')
  })
})

describe('bench report', () => {
  it('renders Markdown tables with escaped cells', () => {
    expect(markdownTable(['a', 'b'], [['1', 'x|y']])).toBe('| a | b |\n|---|---|\n| 1 | x\\|y |')
  })

  it('replaces only the generated part of the README', () => {
    const readme = `# Title\n\n## Benchmarks\nHow to run.\n${README_START}\nold\n${README_END}\nafter\n`
    const updated = replaceReadmeResults(readme, 'new table\n')
    expect(updated).toBe(`# Title\n\n## Benchmarks\nHow to run.\n${README_START}\nnew table\n${README_END}\nafter\n`)
    expect(() => replaceReadmeResults('# no markers', 'x')).toThrow(/markers/)
  })

  it('a partial run replaces only its own sections and says which run they come from', () => {
    const readme = `${README_START}\nRun: full\n\n#### Bytes shipped per route\n\nold bytes\n\n#### Freshness: publish → visible\n\nfresh\n${README_END}\n`
    const report: Report = {
      mode: 'full',
      options: ['--only=reader'],
      startedAt: '2026-11-26T02:00:00.000Z',
      machine: {cpus: 2, cpuModel: 'x', totalMemory: 1, freeMemoryAtStart: 1, loadAverageAtStart: [1, 2, 3], node: 'v20', platform: 'Linux'},
      sections: [
        {title: 'Bytes shipped per route', method: 'new method', columns: ['a'], rows: [['1']]},
        {title: 'Lighthouse (mobile)', method: 'lh', columns: ['b'], rows: [['2']]},
      ],
    }
    const updated = replaceReadmeSections(readme, report, 'Freshness')
    expect(updated).not.toContain('old bytes')
    expect(updated).toContain('Run: full')
    expect(updated).toContain('fresh')
    expect(updated).toMatch(/#### Bytes shipped per route\n\n_From a separate run: `npm run bench -- --only=reader` on 2026-11-26 02:00 UTC/)
    expect(updated.indexOf('#### Lighthouse (mobile)')).toBeGreaterThan(updated.indexOf('new method'))
    expect(updated.indexOf('#### Lighthouse (mobile)')).toBeLessThan(updated.indexOf('#### Freshness'))
    expect(updated).toContain('\n\n#### Freshness')
  })
})
