/**
 * Reading time of a Portable Text body. Counts words in text spans, code blocks and captions;
 * images add a few seconds each (Medium's rule of thumb) so picture-heavy posts are not "0 min".
 */
export const WORDS_PER_MINUTE = 230
const SECONDS_PER_IMAGE = 12

type Node = {_type?: string; children?: unknown; code?: unknown; caption?: unknown}

export function countWords(text: string): number {
  const words = text.trim().match(/[\p{L}\p{N}][\p{L}\p{N}'’\-]*/gu)
  return words ? words.length : 0
}

/** Plain text of the blocks, one block per line (text spans, code and table cells; images contribute captions). */
export function portableTextToPlain(body: readonly unknown[] | null | undefined): string {
  if (!Array.isArray(body)) return ''
  const lines: string[] = []
  for (const node of body as Node[]) {
    if (!node || typeof node !== 'object') continue
    if (node._type === 'block' && Array.isArray(node.children)) {
      lines.push(node.children.map((span) => (span && typeof span.text === 'string' ? span.text : '')).join(''))
    } else if (node._type === 'codeBlock' && typeof node.code === 'string') {
      lines.push(node.code)
    } else if (node._type === 'table' && Array.isArray((node as {rows?: unknown}).rows)) {
      if (typeof node.caption === 'string') lines.push(node.caption)
      for (const row of (node as {rows: {cells?: unknown}[]}).rows) {
        if (row && Array.isArray(row.cells)) lines.push(row.cells.filter((c) => typeof c === 'string').join(' '))
      }
    } else if (typeof node.caption === 'string') {
      lines.push(node.caption)
    }
  }
  return lines.join('\n')
}

/** Whole minutes, at least 1 for any non-empty body. */
export function readingTimeMinutes(body: readonly unknown[] | null | undefined): number {
  const words = countWords(portableTextToPlain(body))
  const images = Array.isArray(body) ? body.filter((n) => (n as Node)?._type === 'image').length : 0
  const minutes = words / WORDS_PER_MINUTE + (images * SECONDS_PER_IMAGE) / 60
  if (minutes <= 0) return 0
  return Math.max(1, Math.round(minutes))
}
