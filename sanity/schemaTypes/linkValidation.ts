import type {UrlRule} from 'sanity'

/**
 * Links in post bodies may point to the web, to e-mail, or to another page of the site (relative).
 * Anything else (javascript:, data:, file:) is refused in the editor, before it can reach readers.
 */
export function linkHrefRule(rule: UrlRule) {
  return rule.required().uri({scheme: ['http', 'https', 'mailto'], allowRelative: true})
}

/** Absolute web addresses only (author homepages, pingback sources, embeds). */
export function webUrlRule(rule: UrlRule) {
  return rule.uri({scheme: ['http', 'https']})
}
