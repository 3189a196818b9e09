import {describe, expect, it} from 'vitest'
import {bodySchema, convertBody, BODY_DECORATORS, BODY_LISTS, BODY_STYLES, type TextBlock, type BodyMember} from '@/lib/import/wordpress/convert/body'
import {emptyContext, type ConvertContext} from '@/lib/import/wordpress/convert/context'
import {wpautop} from '@/lib/import/wordpress/convert/wpautop'
import {expandShortcodes} from '@/lib/import/wordpress/convert/shortcodes'
import {blockContentType} from '@/sanity/schemaTypes/blockContent'

function context(overrides: Partial<ConvertContext> = {}) {
  const notes: string[] = []
  return {notes, context: emptyContext({note: (kind, name) => notes.push(`${kind}: ${name}`), ...overrides})}
}

/** A compact view: "style[list level]: text with [marks]" for blocks, the object otherwise. */
function view(blocks: BodyMember[]): unknown[] {
  return blocks.map((b) => {
    if (b._type !== 'block') {
      const rest: Record<string, unknown> = {...b}
      delete rest._key
      return rest
    }
    const block = b as TextBlock
    const text = block.children
      .map((c) => (c.marks.length ? `${c.text}[${c.marks.map((m) => block.markDefs.find((d) => d._key === m)?.href ?? m).join(',')}]` : c.text))
      .join('')
    return `${block.style}${block.listItem ? ` ${block.listItem}${block.level}` : ''}: ${text}`
  })
}

describe('content conversion', () => {
  it('keeps the body schema in step with the Studio schema', () => {
    const block = (blockContentType as unknown as {of: {type: string; styles?: {value: string}[]; lists?: {value: string}[]; marks?: {decorators: {value: string}[]}}[]}).of.find((m) => m.type === 'block')!
    expect(block.styles!.map((s) => s.value)).toEqual([...BODY_STYLES])
    expect(block.lists!.map((s) => s.value)).toEqual([...BODY_LISTS])
    expect(block.marks!.decorators.map((s) => s.value)).toEqual([...BODY_DECORATORS])
    const objects = (blockContentType as unknown as {of: {type: string}[]}).of.map((m) => m.type).filter((t) => t !== 'block')
    expect(objects).toEqual(bodySchema.blockObjects.map((o) => o.name))
  })

  it('tables: a real table object (thead → header row, caption, tfoot last, nested tables and <br> keep their words), separators', () => {
    const {context: ctx, notes} = context()
    const {blocks, lostWords, lostSample} = convertBody(
      `<!-- wp:table {"hasFixedLayout":true} -->
<figure class="wp-block-table"><table><tfoot><tr><td>Total</td><td>3</td></tr></tfoot><thead><tr><th>Fruit</th><th>Count</th></tr></thead><tbody><tr><td>Apple<br>green</td><td><strong>1</strong></td></tr><tr><td><table><tr><td>inner cell</td></tr></table></td><td><img src="x.png" alt="pic alt"> 2</td></tr></tbody></table><figcaption class="wp-element-caption">Fruit stock</figcaption></figure>
<!-- /wp:table -->
<!-- wp:separator --><hr class="wp-block-separator has-alpha-channel-opacity"/><!-- /wp:separator -->
<!-- wp:table --><figure class="wp-block-table"><table><tbody><tr><td>no</td><td>head</td></tr></tbody></table></figure><!-- /wp:table -->`,
      ctx,
    )
    expect(view(blocks)).toEqual([
      {
        _type: 'table',
        caption: 'Fruit stock',
        headerRow: true,
        rows: [
          {_type: 'tableRow', _key: 'r0', cells: ['Fruit', 'Count']},
          {_type: 'tableRow', _key: 'r1', cells: ['Apple green', '1']},
          {_type: 'tableRow', _key: 'r2', cells: ['inner cell', 'pic alt 2']},
          {_type: 'tableRow', _key: 'r3', cells: ['Total', '3']},
        ],
      },
      {_type: 'separator', style: 'line'},
      {_type: 'table', headerRow: false, rows: [{_type: 'tableRow', _key: 'r0', cells: ['no', 'head']}]},
    ])
    expect({lostWords, lostSample}).toEqual({lostWords: 0, lostSample: []})
    expect(notes).toEqual([])
  })

  it('wpautop: blank lines are paragraphs, single newlines line breaks, blocks and <pre> untouched', () => {
    expect(wpautop('One\ntwo\n\nThree')).toBe('<p>One<br />\ntwo</p>\n<p>Three</p>\n')
    expect(wpautop('<pre>a\n\nb</pre>')).toContain('<pre>a\n\nb</pre>')
    expect(wpautop('<ul>\n<li>x</li>\n</ul>')).not.toContain('<p>')
  })

  it('classic editor: paragraphs, marks, links, [caption], quotes with citation, nested lists, embeds, code, tables, separators', () => {
    const {context: ctx, notes} = context({rewriteHref: (href) => (href === 'https://old.example/2009/03/x/' ? '/posts/x' : href)})
    const {blocks, lostWords, lostSample} = convertBody(
      [
        'Intro with <strong>bold</strong>, <em>em</em>, <code>code</code>, <del>gone</del> and <a href="https://old.example/2009/03/x/">a link</a>.',
        'Next line.',
        '',
        '[caption id="attachment_5" align="alignleft" width="300"]<a href="/big.jpg"><img class="wp-image-5" src="https://old.example/wp-content/uploads/2009/03/pic-300x200.jpg" alt="A pic" /></a> The caption[/caption]',
        '',
        '<blockquote>Quoted text<cite>Someone Famous</cite></blockquote>',
        'https://www.youtube.com/watch?v=abc123',
        '<ol>\n<li>one\n<ul>\n<li>nested</li>\n</ul>\n</li>\n<li>two</li>\n</ol>',
        '[code language="php"]<?php echo "x < y"; ?>[/code]',
        '<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>',
        '<hr />',
        '<h1>Big</h1><h6>Small</h6>',
        '<a href="javascript:alert(1)">bad link</a> [unknown_thing foo="bar"]kept[/unknown_thing] [1]',
      ].join('\n'),
      ctx,
    )
    expect(view(blocks)).toEqual([
      'normal: Intro with bold[strong], em[em], code[code], gone[strike-through] and a link[/posts/x].\nNext line.',
      {_type: 'wpImage', src: 'https://old.example/wp-content/uploads/2009/03/pic-300x200.jpg', alt: 'A pic', caption: 'The caption', attachmentId: '5'},
      'blockquote: Quoted text',
      'blockquote: — Someone Famous',
      {_type: 'embed', url: 'https://www.youtube.com/watch?v=abc123'},
      'normal number1: one',
      'normal bullet2: nested',
      'normal number1: two',
      {_type: 'codeBlock', code: '<?php echo "x < y"; ?>', language: 'php'},
      {_type: 'table', headerRow: true, rows: [{_type: 'tableRow', _key: 'r0', cells: ['A', 'B']}, {_type: 'tableRow', _key: 'r1', cells: ['1', '2']}]},
      {_type: 'separator', style: 'line'},
      'h2: Big',
      'h4: Small',
      'normal: bad link [unknown_thing foo="bar"]kept[/unknown_thing] [1]',
    ])
    expect({lostWords, lostSample}).toEqual({lostWords: 0, lostSample: []})
    expect(notes.sort()).toEqual([
      'unknown shortcode (kept as text): [unknown_thing]',
      'unsafe link removed (text kept): javascript',
    ])
  })

  it('block editor: headings, nested list blocks, image figures, pullquotes, embeds, preformatted, dynamic and unknown blocks', () => {
    const {context: ctx, notes} = context({
      reusableBlock: (id) => (id === '77' ? '<!-- wp:paragraph --><p>Reusable text</p><!-- /wp:paragraph -->' : undefined),
    })
    const {blocks, lostWords, lostSample} = convertBody(
      `<!-- wp:paragraph -->
<p>Para <em>one</em></p>
<!-- /wp:paragraph -->
<!-- wp:heading {"level":3} --><h3>Heading</h3><!-- /wp:heading -->
<!-- wp:list --><ul><!-- wp:list-item --><li>Alpha<!-- wp:list {"ordered":true} --><ol><!-- wp:list-item --><li>Alpha one</li><!-- /wp:list-item --></ol><!-- /wp:list --></li><!-- /wp:list-item --></ul><!-- /wp:list -->
<!-- wp:image {"id":12} --><figure class="wp-block-image"><img src="https://ex.com/a.jpg" alt="Alt" class="wp-image-12"/><figcaption>Cap</figcaption></figure><!-- /wp:image -->
<!-- wp:gallery --><figure class="wp-block-gallery"><!-- wp:image {"id":13} --><figure class="wp-block-image"><img src="https://ex.com/b.jpg" alt="B"/></figure><!-- /wp:image --><!-- wp:image {"id":14} --><figure class="wp-block-image"><img src="https://ex.com/c.jpg" alt="C"/><figcaption>C cap</figcaption></figure><!-- /wp:image --><figcaption class="blocks-gallery-caption">Gallery caption</figcaption></figure><!-- /wp:gallery -->
<!-- wp:pullquote --><figure class="wp-block-pullquote"><blockquote><p>Pulled</p><cite>Author</cite></blockquote></figure><!-- /wp:pullquote -->
<!-- wp:embed {"url":"https://twitter.com/x/status/1","type":"rich"} --><figure class="wp-block-embed"><div class="wp-block-embed__wrapper">
https://twitter.com/x/status/1
</div><figcaption>Tweet cap</figcaption></figure><!-- /wp:embed -->
<!-- wp:core-embed/youtube {"url":"https://youtu.be/xyz"} --><figure class="wp-block-embed-youtube"><div>https://youtu.be/xyz</div></figure><!-- /wp:core-embed/youtube -->
<!-- wp:latest-posts /-->
<!-- wp:more --><!--more--><!-- /wp:more -->
<!-- wp:preformatted --><pre class="wp-block-preformatted">  pre
    text</pre><!-- /wp:preformatted -->
<!-- wp:verse --><pre class="wp-block-verse">Roses</pre><!-- /wp:verse -->
<!-- wp:shortcode -->[embed]https://vimeo.com/1[/embed]<!-- /wp:shortcode -->
<!-- wp:block {"ref":77} /-->
<!-- wp:jetpack/thing --><div>Jetpack text</div><!-- /wp:jetpack/thing -->
Classic text outside blocks`,
      ctx,
    )
    expect(view(blocks)).toEqual([
      'normal: Para one[em]',
      'h3: Heading',
      'normal bullet1: Alpha',
      'normal number2: Alpha one',
      {_type: 'wpImage', src: 'https://ex.com/a.jpg', alt: 'Alt', caption: 'Cap', attachmentId: '12'},
      {_type: 'wpImage', src: 'https://ex.com/b.jpg', alt: 'B', caption: ''},
      {_type: 'wpImage', src: 'https://ex.com/c.jpg', alt: 'C', caption: 'C cap'},
      'normal: Gallery caption',
      'blockquote: Pulled',
      'blockquote: — Author',
      {_type: 'embed', url: 'https://twitter.com/x/status/1', caption: 'Tweet cap'},
      {_type: 'embed', url: 'https://youtu.be/xyz'},
      {_type: 'codeBlock', code: '  pre\n    text'},
      {_type: 'codeBlock', code: 'Roses'},
      {_type: 'embed', url: 'https://vimeo.com/1'},
      'normal: Reusable text',
      'normal: Jetpack text',
      'normal: Classic text outside blocks',
    ])
    expect({lostWords, lostSample}).toEqual({lostWords: 0, lostSample: []})
    expect(notes).toContain('dynamic block (rendered by WordPress, nothing stored to import): core/latest-posts')
    expect(notes).toContain('unknown block (content kept): jetpack/thing')
  })

  it('footnotes: the notes WordPress keeps in post meta are shown where the footnotes block is; file blocks keep name and button apart', () => {
    const {context: ctx} = context({footnotes: () => [{id: 'a1', content: 'The <em>first</em> note'}]})
    const {blocks, lostWords} = convertBody(
      '<!-- wp:paragraph --><p>Claim<sup data-fn="a1" class="fn"><a href="#a1" id="a1-link">1</a></sup></p><!-- /wp:paragraph --><!-- wp:file --><div class="wp-block-file"><a href="https://ex.com/f.pdf">Report</a><a href="https://ex.com/f.pdf" class="wp-block-file__button wp-element-button" download>Download</a></div><!-- /wp:file --><!-- wp:footnotes /-->',
      ctx,
    )
    expect(view(blocks)).toEqual(['normal: Claim1[#a1]', 'normal: Report[https://ex.com/f.pdf] Download[https://ex.com/f.pdf]', 'normal number1: The first[em] note'])
    expect(lostWords).toBe(0)
  })

  it('hostile HTML: scripts removed, event handlers and unknown tags do not leak, text kept', () => {
    const {context: ctx} = context()
    const {blocks, lostWords, lostSample} = convertBody('<p onclick="x()">Safe <span style="color:red">red</span> <sup>2</sup></p><script>alert(1)</script><form><label>Name</label><input value="Send"></form><p>&lt;script&gt; as text &amp; more</p>', ctx)
    expect(view(blocks)).toEqual(['normal: Safe red 2', 'normal: Name Send', 'normal: <script> as text & more'])
    expect({lostWords, lostSample}).toEqual({lostWords: 0, lostSample: []})
    expect(JSON.stringify(blocks)).not.toMatch(/onclick|alert/)
  })

  it('shortcodes: galleries from attachments, media, WordPress.com embeds, escapes', () => {
    const attachments = {
      '5': {id: '5', url: 'https://ex.com/5.jpg', alt: 'Five', caption: 'Cap five', title: 'Five'},
      '6': {id: '6', url: 'https://ex.com/6.jpg', alt: '', caption: '', title: 'Six'},
    }
    const {context: ctx} = context({attachment: (id) => attachments[id as '5'], attachmentsOf: () => Object.values(attachments)})
    expect(expandShortcodes('[gallery ids="5,6"]', ctx)).toBe(
      '<figure><img src="https://ex.com/5.jpg" alt="Five"><figcaption>Cap five</figcaption></figure>\n<figure><img src="https://ex.com/6.jpg" alt=""></figure>',
    )
    expect(expandShortcodes('[gallery]', ctx)).toContain('6.jpg')
    expect(expandShortcodes('[youtube https://www.youtube.com/watch?v=q]', ctx)).toContain('data-wp-embed="https://www.youtube.com/watch?v=q"')
    expect(expandShortcodes('[youtube=https://www.youtube.com/watch?v=q]', ctx)).toContain('watch?v=q')
    expect(expandShortcodes('[vimeo 123]', ctx)).toContain('https://vimeo.com/123')
    expect(expandShortcodes('[audio mp3="https://ex.com/a.mp3"][/audio]', ctx)).toContain('https://ex.com/a.mp3')
    expect(expandShortcodes('Use [[gallery]] to show a gallery', ctx)).toBe('Use [gallery] to show a gallery')
  })
})
