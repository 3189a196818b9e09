/**
 * WordPress's `wpautop()` (wp-includes/formatting.php), the classic editor's "automatic
 * paragraphs": text separated by a blank line becomes a `<p>`, a single newline a `<br />`, and
 * block-level tags are left alone. Classic posts are stored without these `<p>`s, so converting the
 * raw HTML without this step would merge every paragraph into one.
 *
 * A port of the rules that change what a reader sees; `<pre>`, `<script>`, `<style>` and `<svg>`
 * contents are kept verbatim as WordPress does. (Not ported: the `<option>`/`<object>` and
 * `<!-- wp-line-break -->` niceties, which only tidy whitespace inside those elements.)
 */

const ALL_BLOCKS =
  '(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary)'

export function wpautop(input: string, br = true): string {
  if (input.trim() === '') return ''
  let text = `${input}\n`

  // Keep <pre>…</pre> (and script/style/svg) out of the rewriting, as WordPress does.
  const kept: string[] = []
  text = text.replace(/<(pre|script|style|svg)[\s>][\s\S]*?<\/\1>/gi, (whole) => {
    kept.push(whole)
    return `<pre wp-pre-tag-${kept.length - 1}></pre>`
  })

  text = text.replace(/<br\s*\/?>\s*<br\s*\/?>/gi, '\n\n')
  text = text.replace(new RegExp(`(<${ALL_BLOCKS}[\\s/>])`, 'gi'), '\n\n$1')
  text = text.replace(new RegExp(`(</${ALL_BLOCKS}>)`, 'gi'), '$1\n\n')
  text = text.replace(/(<hr\s*?\/?>)/gi, '$1\n\n')
  text = text.replace(/\r\n|\r/g, '\n')
  // Newlines inside tags (attributes spread over lines) are not paragraph breaks.
  text = text.replace(/<[^<>]+>/g, (tag) => tag.replace(/\n/g, ' '))
  text = text.replace(/\n\n+/g, '\n\n')

  const paragraphs = text.split(/\n\s*\n/).filter((part) => part.trim() !== '')
  text = paragraphs.map((part) => `<p>${part.replace(/^\n+|\n+$/g, '')}</p>\n`).join('')

  text = text.replace(/<p>\s*<\/p>/g, '')
  text = text.replace(/<p>([^<]+)<\/(div|address|form)>/gi, '<p>$1</p></$2>')
  text = text.replace(new RegExp(`<p>\\s*(</?${ALL_BLOCKS}[^>]*>)\\s*</p>`, 'gi'), '$1')
  text = text.replace(/<p>(<li.+?)<\/p>/gi, '$1')
  text = text.replace(/<p><blockquote([^>]*)>/gi, '<blockquote$1><p>')
  text = text.replace(/<\/blockquote><\/p>/gi, '</p></blockquote>')
  text = text.replace(new RegExp(`<p>\\s*(</?${ALL_BLOCKS}[^>]*>)`, 'gi'), '$1')
  text = text.replace(new RegExp(`(</?${ALL_BLOCKS}[^>]*>)\\s*</p>`, 'gi'), '$1')

  if (br) text = text.replace(/(?<!<br \/>)\s*\n/g, '<br />\n')
  text = text.replace(new RegExp(`(</?${ALL_BLOCKS}[^>]*>)\\s*<br />`, 'gi'), '$1')
  text = text.replace(/<br \/>(\s*<\/?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)/gi, '$1')
  text = text.replace(/\n<\/p>$/g, '</p>')

  return text.replace(/<pre wp-pre-tag-(\d+)><\/pre>/g, (_, index: string) => kept[Number(index)])
}
