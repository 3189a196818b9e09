import crypto from 'node:crypto'

/**
 * Small builders for the Portable Text the demo seed writes. Keys are derived from a seed string
 * so that every run of the seed produces byte-identical documents (stable diffs, stable tests).
 */

export type BlockStyle = 'normal' | 'h2' | 'h3' | 'h4' | 'blockquote'

export interface Span {
  _type: 'span'
  _key: string
  text: string
  marks: string[]
}

export interface LinkMarkDef {
  _type: 'link'
  _key: string
  href: string
  blank?: boolean
}

export interface Block {
  _type: 'block'
  _key: string
  style: BlockStyle
  markDefs: LinkMarkDef[]
  children: Span[]
  listItem?: 'bullet' | 'number'
  level?: number
}

/** A short, deterministic, Sanity-looking `_key`. */
export function stableKey(seed: string): string {
  return crypto.createHash('sha1').update(seed).digest('hex').slice(0, 12)
}

/** One block holding `text` exactly as given: no markup is interpreted. */
export function plainBlock(keySeed: string, text: string, style: BlockStyle = 'normal'): Block {
  return {
    _type: 'block',
    _key: stableKey(keySeed),
    style,
    markDefs: [],
    children: [{_type: 'span', _key: stableKey(`${keySeed}/0`), text, marks: []}],
  }
}

const INLINE_LINK = /\[([^\]]+)\]\(([^)\s]+)\)/g

/**
 * A block from hand-written demo text, where `[label](href)` becomes a link annotation and
 * `*text*` emphasis. Only for the invented demo posts; the reference post uses `plainBlock`.
 */
export function richBlock(
  keySeed: string,
  text: string,
  options: {style?: BlockStyle; listItem?: 'bullet' | 'number'} = {},
): Block {
  const markDefs: LinkMarkDef[] = []
  const children: Span[] = []
  const pushText = (value: string, marks: string[]) => {
    // *emphasis* inside plain runs
    value.split(/(\*[^*]+\*)/).forEach((part) => {
      if (!part) return
      const emphasised = part.length > 2 && part.startsWith('*') && part.endsWith('*')
      children.push({
        _type: 'span',
        _key: stableKey(`${keySeed}/${children.length}`),
        text: emphasised ? part.slice(1, -1) : part,
        marks: emphasised ? [...marks, 'em'] : marks,
      })
    })
  }
  let last = 0
  for (const match of text.matchAll(INLINE_LINK)) {
    const index = match.index ?? 0
    pushText(text.slice(last, index), [])
    const markKey = stableKey(`${keySeed}/link${markDefs.length}`)
    const href = match[2]
    markDefs.push({_type: 'link', _key: markKey, href, ...(href.startsWith('http') ? {blank: true} : {})})
    pushText(match[1], [markKey])
    last = index + match[0].length
  }
  pushText(text.slice(last), [])
  return {
    _type: 'block',
    _key: stableKey(keySeed),
    style: options.style ?? 'normal',
    markDefs,
    children,
    ...(options.listItem ? {listItem: options.listItem, level: 1} : {}),
  }
}

/** Plain text of a block, as readers see it. */
export function blockText(block: {children?: {text?: string}[]}): string {
  return (block.children ?? []).map((child) => child.text ?? '').join('')
}
