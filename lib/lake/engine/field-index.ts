/**
 * Full-text index of one text expression (the left side of `match`: attribute paths,
 * `pt::text(path)`, or an array of those) over a view: for each document, the folded words of
 * that text and how often each occurs. It answers `match` and the score `score()` gives a
 * `match` exactly as groq-js computes them (every pattern term must match a token; a term's
 * score is freq·(k+1)/(freq+k) with k = 1.2), without evaluating the text per query.
 */
import {valueAt} from './groq-order'
import {attributePath, type TreeNode} from './scan-plan'
import {foldCase, patternTerms, portableText, termMatcher, tokenize, type TermMatcher} from './text-index'
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
  terms: TermTest[]
}

/**
 * Whether a pattern term matches a word id, decided once per word: the vocabulary grows as
 * documents are read (words are filed lazily), so the answers grow with it.
 */
class TermTest {
  private known = new Int8Array(0)

  constructor(
    private readonly vocabulary: Vocabulary,
    private readonly matcher: TermMatcher,
  ) {}

  test(id: number): boolean {
    if (id >= this.known.length) {
      const grown = new Int8Array(Math.max(this.vocabulary.words.length, id + 1, this.known.length * 2))
      grown.set(this.known)
      this.known = grown
    }
    let answer = this.known[id]
    if (answer === 0) {
      const word = this.vocabulary.words[id]
      const {matcher} = this
      const yes = matcher.kind === 'word' ? word === matcher.word : matcher.kind === 'prefix' ? word.startsWith(matcher.prefix) : matcher.test(word)
      answer = yes ? 1 : -1
      this.known[id] = answer
    }
    return answer === 1
  }
}

export class FieldIndex {
  private constructor(
    private readonly textOf: (doc: SanityDocument) => string[],
    private readonly vocabulary: Vocabulary,
    /**
     * Keyed by document object, filled as documents are checked (candidates only, when the
     * full-text index narrowed them): documents are immutable (a change is a new object), so every
     * view version can share this map, and entries of documents nothing holds any more are collected.
     */
    private readonly byDoc: WeakMap<SanityDocument, DocumentWords>,
  ) {}

  /** The index of a `match` left side; words are read per document on first use (`docs` is not scanned). */
  static build(left: TreeNode, docs: SanityDocument[]): FieldIndex {
    void docs
    return new FieldIndex(textParts(left), new Vocabulary(), new WeakMap())
  }

  /** The index for the next view: the same one (new documents are read on first use). */
  derive(added: SanityDocument[]): FieldIndex {
    void added
    return this
  }

  private words(doc: SanityDocument): DocumentWords {
    let words = this.byDoc.get(doc)
    if (!words) {
      words = this.wordsOf(doc)
      this.byDoc.set(doc, words)
    }
    return words
  }

  private wordsOf(doc: SanityDocument): DocumentWords {
    const counts = new Map<number, number>()
    for (const part of this.textOf(doc)) {
      for (const token of tokenize(foldCase(part))) {
        const id = this.vocabulary.idOf(token)
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
    return {ok: true, terms: terms.map((term) => new TermTest(this.vocabulary, termMatcher(term)))}
  }

  /** groq-js `match`: the text has tokens and every term matches one. */
  matches(doc: SanityDocument, pattern: CompiledPattern): boolean {
    if (!pattern.ok) return false
    const words = this.words(doc)
    if (words.ids.length === 0) return false
    return pattern.terms.every((term) => frequency(words, term) > 0)
  }

  /** What groq-js's score() adds for `text match pattern`. */
  score(doc: SanityDocument, pattern: CompiledPattern): number {
    if (!pattern.ok) return 0
    const words = this.words(doc)
    if (words.ids.length === 0) return 0
    let score = 0
    for (const term of pattern.terms) {
      const freq = frequency(words, term)
      score += (freq * (K + 1)) / (freq + K)
    }
    return score
  }
}

function frequency(words: DocumentWords, term: TermTest): number {
  let freq = 0
  for (let i = 0; i < words.ids.length; i++) if (term.test(words.ids[i])) freq += words.counts[i]
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
  if (node.type === 'ArrayCoerce') {
    // `a.b[]`: the array itself, anything else null.
    const base = valueFunction(node.base as TreeNode)
    return (doc) => {
      const value = base(doc)
      return Array.isArray(value) ? value : null
    }
  }
  if (node.type === 'FuncCall') {
    const argPath = attributePath((node.args as unknown[])[0])!
    return (doc) => portableText(valueAt(doc, argPath))
  }
  const elements = (node.elements as {value: TreeNode}[]).map((element) => valueFunction(element.value))
  return (doc) => elements.map((element) => element(doc))
}
