import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {scriptSources, staticFileFor} from '@/bench/bytes'

describe('bench bytes-shipped helpers', () => {
  it('collects each <script src> once, in order, ignoring inline scripts', () => {
    const html =
      '<script src="/_next/static/chunks/a.js" async=""></script><script>self.__next_f=[]</script>' +
      '<script async src="/_next/static/chunks/b.js?dpl=x&amp;y=1"></script><script src="/_next/static/chunks/a.js"></script>'
    expect(scriptSources(html)).toEqual(['/_next/static/chunks/a.js', '/_next/static/chunks/b.js?dpl=x&y=1'])
  })

  it('maps /_next/static URLs into the build dir and refuses anything else', () => {
    const dist = path.resolve('/tmp/dist')
    expect(staticFileFor('/_next/static/chunks/b.js?dpl=x', dist)).toBe(path.join(dist, 'static', 'chunks', 'b.js'))
    expect(staticFileFor('https://cdn.example/app.js', dist)).toBeNull()
    expect(staticFileFor('/_next/static/../../etc/passwd', dist)).toBeNull()
    expect(staticFileFor('/_next/static/%2e%2e/%2e%2e/secret', dist)).toBeNull()
  })
})
