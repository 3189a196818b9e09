import crypto from 'node:crypto'

/**
 * The id scheme of docs/data-model.md (the demo seed uses the same): `pingback.<sha1(source + ' ' + target)>`.
 * In its own module, free of the client and Next imports of store.ts, so tools (the WordPress
 * importer) can use it without loading the site's server stack.
 */
export function mentionId(sourceUrl: string, targetUrl: string): string {
  return `pingback.${crypto.createHash('sha1').update(`${sourceUrl} ${targetUrl}`).digest('hex')}`
}
