import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {bytesSection, READER_JS_BUDGET_BYTES, scriptSources, scriptTags, staticFileFor, withinReaderBudget} from '@/bench/bytes'

describe('bench bytes-shipped helpers', () => {
  it('collects each <script src> once, in order, ignoring inline scripts', () => {
    const html =
      '<script src="/_next/static/chunks/a.js" async=""></script><script>self.__next_f=[]</script>' +
      '<script async src="/_next/static/chunks/b.js?dpl=x&amp;y=1"></script><script src="/_next/static/chunks/a.js"></script>'
    expect(scriptSources(html)).toEqual(['/_next/static/chunks/a.js', '/_next/static/chunks/b.js?dpl=x&y=1'])
  })

  it('tells nomodule polyfills (never downloaded by module browsers) from the scripts that load', () => {
    const html = '<script src="/_next/static/chunks/poly.js" noModule=""></script><script src="/_next/static/chunks/app.js" async=""></script>'
    expect(scriptTags(html)).toEqual([
      {src: '/_next/static/chunks/poly.js', noModule: true},
      {src: '/_next/static/chunks/app.js', noModule: false},
    ])
  })

  it('maps /_next/static URLs into the build dir and refuses anything else', () => {
    const dist = path.resolve('/tmp/dist')
    expect(staticFileFor('/_next/static/chunks/b.js?dpl=x', dist)).toBe(path.join(dist, 'static', 'chunks', 'b.js'))
    expect(staticFileFor('https://cdn.example/app.js', dist)).toBeNull()
    expect(staticFileFor('/_next/static/../../etc/passwd', dist)).toBeNull()
    expect(staticFileFor('/_next/static/%2e%2e/%2e%2e/secret', dist)).toBeNull()
  })

  it('reports reader pages against the 180 KiB JavaScript budget (#16.15), with and without the nomodule polyfills', () => {
    expect(READER_JS_BUDGET_BYTES).toBe(180 * 1024)
    expect(withinReaderBudget({route: 'home', jsGzip: 180 * 1024, noModuleGzip: 0})).toBe(true)
    expect(withinReaderBudget({route: 'post', jsGzip: 199 * 1024, noModuleGzip: 0})).toBe(false)
    // Within budget for module browsers, over it once the polyfills are counted: over.
    expect(withinReaderBudget({route: 'post', jsGzip: 155 * 1024, noModuleGzip: 39 * 1024})).toBe(false)
    expect(withinReaderBudget({route: 'studio', jsGzip: 2_000_000, noModuleGzip: 0})).toBeNull()
    const row = (route: string, jsGzip: number, noModuleGzip = 0) => ({route, path: '/', status: 200, htmlRaw: 1, htmlGzip: 1, scripts: 1, jsRaw: 1, jsGzip, noModuleGzip, missing: []})
    const section = bytesSection([row('home', 140 * 1024, 38 * 1024), row('post', 150 * 1024, 40 * 1024), row('studio', 2_000_000)])
    expect(section.columns.slice(-3)).toEqual(['JS gzip', 'JS gzip + nomodule', 'JS budget'])
    expect(section.rows.map((r) => r.slice(-3))).toEqual([
      ['140.0 KiB', '178.0 KiB', 'within'],
      ['150.0 KiB', '190.0 KiB', '**over by 10.0 KiB**'],
      ['1.9 MiB', '1.9 MiB', '–'],
    ])
  })
})
