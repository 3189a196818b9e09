/**
 * XML 1.0 (§2.2 Char) forbids C0 controls other than TAB, LF and CR, unpaired UTF-16 surrogates
 * and U+FFFE/U+FFFF. A single one of them makes a whole feed unparseable for every subscriber, and
 * escaping cannot help (`&#1;` is just as illegal), so they are removed from every string that goes
 * into a feed. Everything else — emoji (paired surrogates), RTL text, `&`, `<`, `]]>` — is kept and
 * escaped by the serialisers.
 */
const FORBIDDEN_XML_CHARS =
  // C0 controls except \t \n \r, and the two noncharacters U+FFFE/U+FFFF.
  // Lone high surrogate (not followed by a low one) and lone low surrogate (not preceded by a high one).
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/** `value` without the characters XML 1.0 forbids. */
export function stripXmlForbidden(value: string): string {
  return value.replace(FORBIDDEN_XML_CHARS, '')
}

/**
 * A deep copy of `value` with every string passed through `stripXmlForbidden` (object keys too).
 * Dates and other non-plain objects are returned as they are.
 */
export function sanitizeDeep<T>(value: T): T {
  if (typeof value === 'string') return stripXmlForbidden(value) as T
  if (Array.isArray(value)) return value.map((item) => sanitizeDeep(item)) as T
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value)) out[stripXmlForbidden(key)] = sanitizeDeep(item)
    return out as T
  }
  return value
}
