/**
 * The body's `table` and `separator` members (sanity/schemaTypes/table.ts, separator.ts) as readers
 * get them: a real <table> (header row as <th scope="col"> in <thead> when marked), <hr>, on the
 * site (PortableTextBody) and in feeds (portableTextToHtml), with cell text escaped.
 */
import {createElement} from 'react'
import {renderToStaticMarkup} from 'react-dom/server'
import {describe, expect, it} from 'vitest'
import {PortableTextBody} from '@/components/portable-text/PortableTextBody'
import {portableTextToHtml} from '@/lib/portable-text/html'
import {readingTimeMinutes, portableTextToPlain} from '@/lib/site/reading-time'

const table = {
  _type: 'table',
  _key: 't',
  caption: 'Fruit <stock>',
  headerRow: true,
  rows: [
    {_type: 'tableRow', _key: 'a', cells: ['Fruit', 'Count']},
    {_type: 'tableRow', _key: 'b', cells: ['Apple & pear', '<b>1</b>']},
    {_type: 'tableRow', _key: 'c', cells: ['Plum', 42]},
  ],
}
const plain = {_type: 'table', _key: 'u', rows: [{_type: 'tableRow', _key: 'a', cells: ['x', 'y']}, {_key: 'b'}]}
const separator = {_type: 'separator', _key: 's', style: 'line'}

describe('tables and separators in the body', () => {
  it('site: an accessible <table> with caption and header row, <hr> for a separator', () => {
    const html = renderToStaticMarkup(createElement(PortableTextBody, {value: [table, separator, plain]}))
    expect(html).toContain('<div class="table-scroll overflow-x-auto" role="region" aria-label="Fruit &lt;stock&gt;" tabindex="0"><table><caption>Fruit &lt;stock&gt;</caption>')
    expect(html).toContain('<thead><tr><th scope="col">Fruit</th><th scope="col">Count</th></tr></thead>')
    expect(html).toContain('<tbody><tr><td>Apple &amp; pear</td><td>&lt;b&gt;1&lt;/b&gt;</td></tr><tr><td>Plum</td><td></td></tr></tbody>')
    expect(html).toContain('<hr class="separator separator-line"/>')
    // Without a header row: no <thead>, every row a body row; rows without cells are left out.
    expect(html).toContain('<table><tbody><tr><td>x</td><td>y</td></tr></tbody></table>')
    expect(html).not.toContain('<thead><tr><th scope="col">x')
  })

  it('feeds: the same table and <hr> in content HTML', () => {
    const html = portableTextToHtml([table, separator, plain, {_type: 'table', _key: 'e', rows: []}], {baseUrl: 'https://blog.example', imageUrlFor: () => null})
    expect(html).toBe(
      '<table><caption>Fruit &lt;stock&gt;</caption><thead><tr><th scope="col">Fruit</th><th scope="col">Count</th></tr></thead>' +
        '<tbody><tr><td>Apple &amp; pear</td><td>&lt;b&gt;1&lt;/b&gt;</td></tr><tr><td>Plum</td><td></td></tr></tbody></table>' +
        '<hr />' +
        '<table><tbody><tr><td>x</td><td>y</td></tr></tbody></table>',
    )
  })

  it('reading time counts table text', () => {
    expect(portableTextToPlain([table])).toContain('Apple & pear')
    const words = Array.from({length: 300}, (_, i) => `w${i}`)
    expect(readingTimeMinutes([{_type: 'table', rows: [{cells: words}]}])).toBe(1)
  })
})
