/**
 * The DOM the HTML → Portable Text converter works on: linkedom, because it builds a document in
 * well under a millisecond and a few kilobytes (jsdom needs ~10 ms and a whole window per document,
 * which alone would blow the 10,000-posts-in-a-minute budget).
 *
 * linkedom has no XPath. `@portabletext/html`'s paste preprocessors (Google Docs, Word, Notion
 * detection; removal of comments, scripts and styles) call `document.evaluate` with a handful of
 * fixed expressions, so `parseDocument` adds a tiny evaluator for exactly those shapes. Anything
 * else throws, so a library upgrade that needs more fails loudly in the tests instead of silently
 * skipping a preprocessing step.
 */
import {parseHTML} from 'linkedom'

type AnyNode = {
  nodeType: number
  nodeName: string
  childNodes: ArrayLike<AnyNode>
  getAttribute?: (name: string) => string | null
}

const ELEMENT = 1
const TEXT = 3
const COMMENT = 8

/** All nodes below `node` in document order (an explicit stack: generators and recursion cost too much here). */
function descendants(node: AnyNode): AnyNode[] {
  const out: AnyNode[] = []
  const stack: AnyNode[] = [node]
  while (stack.length) {
    const current = stack.pop() as AnyNode
    if (current !== node) out.push(current)
    const children = current.childNodes
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i])
  }
  return out
}

function localName(node: AnyNode): string {
  return node.nodeName.toLowerCase()
}

/** One location path: `//*`, `//tag`, `//comment()`, `/html/body/text()`, `//tag[@a='v']`, `//*[@id and contains(@id, "x")]`. */
function evaluatePath(root: AnyNode, expression: string): AnyNode[] {
  const path = expression.trim()
  let match: RegExpExecArray | null
  if (path === '//*') return descendants(root).filter((n) => n.nodeType === ELEMENT)
  if (path === '//comment()') return descendants(root).filter((n) => n.nodeType === COMMENT)
  if ((match = /^\/\/\*\[@id and contains\(@id, "([^"]+)"\)\]$/.exec(path))) {
    const needle = match[1]
    return descendants(root).filter((n) => n.nodeType === ELEMENT && (n.getAttribute?.('id') ?? '').includes(needle))
  }
  if ((match = /^\/\/([a-z][\w:-]*)(?:\[@([\w-]+)='([^']*)'\])?$/i.exec(path))) {
    const [, tag, attribute, value] = match
    return descendants(root).filter(
      (n) =>
        n.nodeType === ELEMENT &&
        localName(n) === tag.toLowerCase() &&
        (attribute === undefined || n.getAttribute?.(attribute) === value),
    )
  }
  if ((match = /^((?:\/[a-z]+)+)\/text\(\)$/i.exec(path))) {
    let current: AnyNode[] = [root]
    for (const step of match[1].split('/').filter(Boolean)) {
      current = current.flatMap((n) => Array.from(n.childNodes).filter((c) => c.nodeType === ELEMENT && localName(c) === step))
    }
    return current.flatMap((n) => Array.from(n.childNodes).filter((c) => c.nodeType === TEXT))
  }
  throw new Error(`dom.ts: unsupported XPath expression "${path}" (extend the evaluator)`)
}

function splitUnion(expression: string): string[] {
  // The library's unions never contain "|" inside a predicate.
  return expression.split('|')
}

function evaluate(this: AnyNode, expression: string) {
  const seen = new Set<AnyNode>()
  const nodes: AnyNode[] = []
  for (const part of splitUnion(expression)) {
    for (const node of evaluatePath(this, part)) {
      if (!seen.has(node)) {
        seen.add(node)
        nodes.push(node)
      }
    }
  }
  let index = 0
  return {
    snapshotLength: nodes.length,
    snapshotItem: (i: number) => nodes[i] ?? null,
    iterateNext: () => nodes[index++] ?? null,
  }
}

/** Parses an HTML fragment into a full document (html/head/body), with `evaluate` as described above. */
export function parseDocument(html: string): Document {
  const {document} = parseHTML(`<!doctype html><html><head></head><body>${html}</body></html>`)
  Object.defineProperty(document, 'evaluate', {value: evaluate, configurable: true})
  return document as unknown as Document
}
