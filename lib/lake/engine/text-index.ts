/**
 * Words for the full-text index behind GROQ `match`. groq-js (and Sanity) tokenise the text on
 * the left of `match` into tokens (runs of characters other than punctuation and spaces, with
 * dots trimmed at word edges) and keep a document when every term of the pattern equals some
 * token, case-insensitively, `*` matching any run of characters (and `.`, any one: groq-js
 * builds a regular expression from the term without escaping it).
 *
 * The full-text index (fts.ts) files each document under every token of every string in it, and of every Portable
 * Text block's concatenated span text (what `pt::text()` produces), so the documents a `match`
 * can keep are always among those the index lists; the planner then lets groq-js decide exactly.
 * Tokens are keyed by the case folding JavaScript's case-insensitive (non-unicode) regular
 * expressions use, which is what groq-js's match compiles to.
 */

// The exact expressions of groq-js's matchPatternRegex (its matchTokenize's are in the factory below).
const TERM = /([^!@#$%^&(),\\/?";:{}|[\]+<>\s-])+/g
const EDGE_DOTS = /(\b\.+|\.+\b)/g
/** groq-js only reads this much of each pattern term. */
const MAX_TERM = 1024

/** The folded tokens of a string. */
export type TokensOf = (text: string) => string[]

/**
 * The tokenising of documents, as one self-contained factory: the lake's thread uses one instance
 * (the exports below); the full-text catch-up's workers run its source (text-catch-up.ts: a
 * worker here loads no modules), so both sides file exactly the same words. Nothing in it may
 * refer to anything outside it.
 */
export function createTextTokenizer() {
  // groq-js's matchTokenize, `text.replace(/(\b\.+|\.+\b)/g, '').match(/([^!@#$%^&*(),\\/?";:{}|[\]+<>\s-])+/g)`:
  // runs of characters other than punctuation and spaces, dots trimmed at word edges (see `tokenize`).
  const ASCII = /^[\x00-\x7f]*$/
  const PLAIN = /[A-Z0-9]/
  /** A word FTS5's ascii tokenizer keeps as it is: ASCII letters and digits, and non-ASCII outside the surrogates. */
  const PLAIN_WORD = /^[A-Za-z0-9\u0080-\ud7ff\ue000-\uffff]*$/

  /**
   * Per ASCII code unit: 1 a separator (what TOKEN does not match), 2 a word character for \b
   * ([A-Za-z0-9_]), 3 a dot, 0 any other token character.
   */
  const ASCII_CLASS = new Uint8Array(128)
  for (const ch of '!@#$%^&*(),\\/?";:{}|[]+<>-\t\n\v\f\r ') ASCII_CLASS[ch.charCodeAt(0)] = 1
  for (let code = 0; code < 128; code++) if (/\w/.test(String.fromCharCode(code))) ASCII_CLASS[code] = 2
  ASCII_CLASS[46] = 3

  /** Whether a code unit ends a token: TOKEN's separators (\s beyond ASCII included). */
  function separator(code: number): boolean {
    if (code < 128) return ASCII_CLASS[code] === 1
    return code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff
  }

  function wordChar(code: number): boolean {
    return code < 128 && ASCII_CLASS[code] === 2
  }

  /**
   * `text.replace(EDGES, '').match(TOKEN) ?? []` in one pass, without the regular expressions
   * (the catch-up's largest cost): a run of dots goes when a word character is next to it on
   * either side (EDGES trims whole runs: \b between two dots never holds), and tokens are the
   * runs of other characters than separators in what is left. Tests check it against them.
   */
  function tokenize(text: string): string[] {
    const out: string[] = []
    const n = text.length
    // The current token: `head` (its parts before trimmed dots) + text[start, i); start -1: none.
    let start = -1
    let head = ''
    let i = 0
    while (i < n) {
      const code = text.charCodeAt(i)
      if (code === 46) {
        let end = i + 1
        while (end < n && text.charCodeAt(end) === 46) end++
        if ((i > 0 && wordChar(text.charCodeAt(i - 1))) || (end < n && wordChar(text.charCodeAt(end)))) {
          // Trimmed: what is on either side joins up.
          if (start !== -1) {
            head += text.slice(start, i)
            start = end
          }
        } else if (start === -1) start = i
        i = end
      } else if (separator(code)) {
        if (start !== -1) {
          const token = head + text.slice(start, i)
          if (token !== '') out.push(token)
          start = -1
          head = ''
        }
        i++
      } else {
        if (start === -1) start = i
        i++
      }
    }
    if (start !== -1) {
      const token = head + text.slice(start, n)
      if (token !== '') out.push(token)
    }
    return out
  }

  /** ECMAScript's Canonicalize for case-insensitive, non-unicode regular expressions, per code unit. */
  function foldCase(text: string): string {
    // For ASCII, Canonicalize is toUpperCase.
    if (ASCII.test(text)) return text.toUpperCase()
    let out = ''
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]
      const upper = ch.toUpperCase()
      out += upper.length !== 1 || (ch.charCodeAt(0) >= 128 && upper.charCodeAt(0) < 128) ? ch : upper
    }
    return out
  }

  /**
   * Folded tokens, each distinct string tokenised once: a document's strings repeat (a block's text
   * is often its one span's, and `pt::text()` is its blocks' texts). Folding commutes with
   * tokenising (it never turns a separator into a token character or back, nor changes what \b
   * sees), and folding a whole string at once is much faster. For one document at a time.
   */
  function tokenMemo(): TokensOf {
    const memo = new Map<string, string[]>()
    return (text) => {
      let tokens = memo.get(text)
      if (tokens === undefined) {
        tokens = tokenize(foldCase(text))
        memo.set(text, tokens)
      }
      return tokens
    }
  }

  /**
   * The tokens of `text` are those of its parts split at blank lines, in order (a split at
   * whitespace changes neither a token nor what \b sees at the split): `pt::text()` of a body
   * is its blocks' texts joined by blank lines, so a memo already holds them.
   */
  function tokensByParagraph(text: string, tokensOf: TokensOf): string[] {
    if (!text.includes('\n\n')) return tokensOf(text)
    const out: string[] = []
    for (const part of text.split('\n\n')) for (const token of tokensOf(part)) out.push(token)
    return out
  }

  /** groq-js's blockText: the span texts of an object with a string `_type` and a `children` array. */
  function blockText(obj: Record<string, unknown>): string | null {
    if (typeof obj._type !== 'string' || !Array.isArray(obj.children)) return null
    let text = ''
    for (const child of obj.children as unknown[]) {
      const span = child as {_type?: unknown; text?: unknown} | null
      if (span && typeof span === 'object' && span._type === 'span' && typeof span.text === 'string') text += span.text
    }
    return text
  }

  /** groq-js's pt::text(): a block's text, or the texts of an array's blocks joined by blank lines. */
  function portableText(value: unknown): string | null {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return blockText(value as Record<string, unknown>)
    if (Array.isArray(value)) {
      const texts: string[] = []
      const walk = (items: unknown[]) => {
        for (const block of items) {
          if (Array.isArray(block)) walk(block)
          else if (typeof block === 'object' && block !== null) {
            const text = blockText(block as Record<string, unknown>)
            if (text !== null) texts.push(text)
          }
        }
      }
      walk(value)
      if (texts.length > 0) return texts.join('\n\n')
    }
    return null
  }

  /** Every folded token of a document's strings and Portable Text blocks. */
  function wordsOf(doc: unknown, tokensOf: TokensOf): Set<string> {
    const words = new Set<string>()
    // A string seen before adds no word (a block's text is often its one span's).
    const seen = new Set<string>()
    const addText = (text: string) => {
      if (seen.has(text)) return
      seen.add(text)
      for (const token of tokensOf(text)) words.add(token)
    }
    const walk = (value: unknown) => {
      if (typeof value === 'string') addText(value)
      else if (Array.isArray(value)) for (const item of value) walk(item)
      else if (typeof value === 'object' && value !== null) {
        const block = blockText(value as Record<string, unknown>)
        if (block !== null) addText(block)
        for (const child of Object.values(value)) walk(child)
      }
    }
    walk(doc)
    return words
  }

  /**
   * A folded word as one FTS5 `ascii` token: ASCII letters and digits as they are (FTS5 lowercases
   * them on both sides), other ASCII as `_hh`, UTF-16 surrogates as `_uhhhh` (SQLite would turn a
   * lone one into U+FFFD, and a prefix may end between the halves of a pair), the rest as they are.
   * Per code unit and prefix-free, so prefixes of words are prefixes of escaped words and back.
   */
  function escapeWord(word: string): string {
    // Most words are kept as they are: ASCII letters and digits, non-ASCII outside the surrogates.
    if (PLAIN_WORD.test(word)) return word
    let out = ''
    for (let i = 0; i < word.length; i++) {
      const ch = word[i]
      const code = word.charCodeAt(i)
      if (code < 128) out += PLAIN.test(ch) || (code >= 97 && code <= 122) ? ch : `_${code.toString(16).padStart(2, '0')}`
      else if (code >= 0xd800 && code <= 0xdfff) out += `_u${code.toString(16)}`
      else out += ch
    }
    return out
  }

  return {tokenize, foldCase, tokenMemo, tokensByParagraph, portableText, wordsOf, escapeWord}
}

/** The factory's functions, as the lake's thread uses them. */
export type TextTokenizer = ReturnType<typeof createTextTokenizer>

const tokenizer = createTextTokenizer()
export const {tokenize, foldCase, tokenMemo, tokensByParagraph, escapeWord} = tokenizer

/** The pattern terms of a `match` right-hand side (one string). */
export function patternTerms(text: string): string[] {
  return (text.replace(EDGE_DOTS, '').match(TERM) ?? []).map((term) => term.slice(0, MAX_TERM))
}

const plainTokens: TokensOf = (text) => tokenize(foldCase(text))

/** Every folded token of a document's strings and Portable Text blocks. */
export function wordsOf(doc: unknown, tokensOf: TokensOf = plainTokens): Set<string> {
  return tokenizer.wordsOf(doc, tokensOf)
}

/** pt::text() of frozen (stored, immutable) values, remembered while the value lives. */
const portableTexts = new WeakMap<object, string | null>()

/** groq-js's pt::text(): a block's text, or the texts of an array's blocks joined by blank lines. */
export function portableText(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || !Object.isFrozen(value)) return tokenizer.portableText(value)
  let text = portableTexts.get(value)
  if (text === undefined) {
    text = tokenizer.portableText(value)
    portableTexts.set(value, text)
  }
  return text
}

/**
 * How one pattern term selects words: an exact (folded) word, a folded prefix (`foo*`), or any
 * other shape (`.` and inner `*` are regular-expression wildcards in groq-js) tested word by word.
 */
export type TermMatcher = {kind: 'word'; word: string} | {kind: 'prefix'; prefix: string} | {kind: 'regex'; test: (word: string) => boolean}

export function termMatcher(term: string): TermMatcher {
  const body = term.endsWith('*') ? term.replace(/\*+$/, '') : term
  if (!/[.*]/.test(body)) return term === body ? {kind: 'word', word: foldCase(term)} : {kind: 'prefix', prefix: foldCase(body)}
  // Words are stored folded; folding both sides keeps the comparison groq-js's case-insensitive one.
  const regex = new RegExp(`^${foldCase(term).replace(/\*/g, '.*')}$`, 'i')
  return {kind: 'regex', test: (word) => regex.test(word)}
}
