import {describe, expect, it} from 'vitest'
import {escapeXmlAttribute, escapeXmlText} from '@/lib/feeds/xml'
import {sanitizeDeep, stripXmlForbidden} from '@/lib/feeds/xml-safe'
import {EMOJI, FORBIDDEN, RTL} from './fixtures'

describe('stripXmlForbidden', () => {
  it('removes every character XML 1.0 forbids', () => {
    expect(stripXmlForbidden(`a${FORBIDDEN}b`)).toBe('ab')
    for (let code = 0; code < 0x20; code++) {
      const char = String.fromCharCode(code)
      const allowed = char === '\t' || char === '\n' || char === '\r'
      expect(stripXmlForbidden(`x${char}y`)).toBe(allowed ? `x${char}y` : 'xy')
    }
  })

  it('removes lone surrogates but keeps surrogate pairs (emoji)', () => {
    expect(stripXmlForbidden('\uD83C')).toBe('')
    expect(stripXmlForbidden('\uDF89x')).toBe('x')
    expect(stripXmlForbidden(`\uDF89${EMOJI}\uD83C`)).toBe(EMOJI)
  })

  it('keeps RTL text, markup characters and `]]>` (escaping handles those)', () => {
    const kept = `${RTL} <a href="x">&amp;</a> ]]> \u200F\u202E`
    expect(stripXmlForbidden(kept)).toBe(kept)
  })

  it('cleans strings deep inside objects and arrays, leaving other values alone', () => {
    const date = new Date(0)
    expect(sanitizeDeep({a: ['x\u0001', {b: 'y\uFFFF', n: 1, d: date, z: null}]})).toEqual({a: ['x', {b: 'y', n: 1, d: date, z: null}]})
  })
})

describe('XML escaping', () => {
  it('escapes text so `]]>`, `&` and `<` round-trip', () => {
    expect(escapeXmlText('a ]]> & <b> &amp;')).toBe('a ]]&gt; &amp; &lt;b&gt; &amp;amp;')
  })
  it('escapes quotes and whitespace in attributes', () => {
    expect(escapeXmlAttribute('"a"\t<b>\n')).toBe('&quot;a&quot;&#9;&lt;b&gt;&#10;')
  })
})
