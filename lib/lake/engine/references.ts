/** The ids a document references, exactly as groq-js's `references()` finds them. */

/**
 * Every `_ref` for which `references(ref)` is true on `doc`: groq-js walks arrays and objects,
 * and an object with a truthy `_ref` answers for itself without looking inside.
 */
export function collectReferences(doc: unknown): Set<string> {
  const refs = new Set<string>()
  const walk = (value: unknown) => {
    if (Array.isArray(value)) {
      for (const item of value) walk(item)
    } else if (typeof value === 'object' && value !== null) {
      const ref = (value as {_ref?: unknown})._ref
      if (ref) {
        if (typeof ref === 'string') refs.add(ref)
        return
      }
      for (const child of Object.values(value)) walk(child)
    }
  }
  walk(doc)
  return refs
}
