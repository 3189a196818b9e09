/**
 * Full-text index of one text expression (the left side of `match`: attribute paths,
 * `pt::text(path)`, or an array of those) over a view: for each document, the folded words of
 * that text and how often each occurs. It answers `match` and the score `score()` gives a
 * `match` exactly as groq-js computes them (every pattern term must match a token; a term's
 * score is freq·(k+1)/(freq+k) with k = 1.2), without evaluating the text per query.
 */
import {valueAt} from './groq-order'
import {attributePath, type TreeNode} from './scan-plan'
import {foldCase, patternTerms, portableText, termMatcher, tokenize} from './text-index'
import type {SanityDocument} from './types'

/** groq-js's BM25k. */
const K = 1.2

interface DocumentWords {
  ids: Uint32Array
  counts: Uint32Array
}

/** The shared vocabulary: word ids only ever get added, so older index versions stay valid. */
class Vocabulary {
  readonly ids = new Map<string, number>()
  readonly words: string[] = []

  idOf(word: string): number {
    let id = this.ids.get(word)
    if (id === undefined) {
      id = this.words.length
      this.words.push(word)
      this.ids.set(word, id)
    }
    return id
  }
}

/** A `match` right-hand side compiled against the vocabulary: per pattern term, which word ids match. */
export interface CompiledPattern {
  /** False when groq-js would match nothing (no terms, or a non-string part). */
  ok: boolean
  terms: Uint8Array[]
}

export class FieldIndex {
  private constructor(
    private readonly textOf: (doc: SanityDocument) => string[],
    private readonly vocabulary: Vocabulary,
    /**
     * Keyed by document object: documents are immutable (a change is a new object), so every view
     * version can share this map; entries of documents no view holds any more are collected.
     */
    private readonly byDoc: WeakMap<SanityDocument, DocumentWords>,
  ) {}

  static build(left: TreeNode, docs: SanityDocument[]): FieldIndex {
    const textOf = textParts(left)
    const index = new FieldIndex(textOf, new Vocabulary(), new WeakMap())
    for (const doc of docs) index.byDoc.set(doc, index.wordsOf(doc))
    return index
  }

  /** The index for the next view: the same one, with the added documents' words in it. */
  derive(added: SanityDocument[]): FieldIndex {
    for (const doc of added) this.byDoc.set(doc, this.wordsOf(doc))
    return this
  }

  private wordsOf(doc: SanityDocument): DocumentWords {
    const counts = new Map<number, number>()
    for (const part of this.textOf(doc)) {
      for (const token of tokenize(part)) {
        const id = this.vocabulary.idOf(foldCase(token))
        counts.set(id, (counts.get(id) ?? 0) + 1)
      }
    }
    return {ids: Uint32Array.from(counts.keys()), counts: Uint32Array.from(counts.values())}
  }

  compile(pattern: unknown): CompiledPattern {
    const parts = typeof pattern === 'string' ? [pattern] : Array.isArray(pattern) ? pattern : null
    if (!parts || !parts.every((part) => typeof part === 'string')) return {ok: false, terms: []}
    const terms = (parts as string[]).flatMap(patternTerms)
    if (terms.length === 0) return {ok: false, terms: []}
    const {words} = this.vocabulary
    return {
      ok: true,
      terms: terms.map((term) => {
        const matcher = termMatcher(term)
        const bits = new Uint8Array(words.length)
        if (matcher.kind === 'word') {
          const id = this.vocabulary.ids.get(matcher.word)
          if (id !== undefined) bits[id] = 1
        } else {
          for (let id = 0; id < words.length; id++) {
            if (matcher.kind === 'prefix' ? words[id].startsWith(matcher.prefix) : matcher.test(words[id])) bits[id] = 1
          }
        }
        return bits
      }),
    }
  }

  /** groq-js `match`: the text has tokens and every term matches one. */
  matches(doc: SanityDocument, pattern: CompiledPattern): boolean {
    const words = this.byDoc.get(doc) ?? this.wordsOf(doc)
    if (!pattern.ok || words.ids.length === 0) return false
    return pattern.terms.every((bits) => frequency(words, bits) > 0)
  }

  /** What groq-js's score() adds for `text match pattern`. */
  score(doc: SanityDocument, pattern: CompiledPattern): number {
    const words = this.byDoc.get(doc) ?? this.wordsOf(doc)
    if (!pattern.ok || words.ids.length === 0) return 0
    let score = 0
    for (const bits of pattern.terms) {
      const freq = frequency(words, bits)
      score += (freq * (K + 1)) / (freq + K)
    }
    return score
  }
}

function frequency(words: DocumentWords, bits: Uint8Array): number {
  let freq = 0
  for (let i = 0; i < words.ids.length; i++) if (bits[words.ids[i]] === 1) freq += words.counts[i]
  return freq
}

/** The string parts groq-js's match tokenises for `left` (gatherText: a string, or an array's strings). */
function textParts(left: TreeNode): (doc: SanityDocument) => string[] {
  const valueOf = valueFunction(left)
  return (doc) => {
    const value = valueOf(doc)
    if (typeof value === 'string') return [value]
    if (Array.isArray(value)) return value.filter((part): part is string => typeof part === 'string')
    return []
  }
}

function valueFunction(node: TreeNode): (doc: SanityDocument) => unknown {
  const path = attributePath(node)
  if (path) return (doc) => valueAt(doc, path)
  if (node.type === 'FuncCall') {
    const argPath = attributePath((node.args as unknown[])[0])!
    return (doc) => portableText(valueAt(doc, argPath))
  }
  const elements = (node.elements as {value: TreeNode}[]).map((element) => valueFunction(element.value))
  return (doc) => elements.map((element) => element(doc))
}
