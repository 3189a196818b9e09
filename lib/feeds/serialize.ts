/**
 * One entry point from the format-neutral feed to bytes.
 *
 * Why not the `feed` package (v6)? Checked against the specs, its output is wrong in ways that
 * matter here: CDATA sections are split only at the first `]]>` (a body with two produces a
 * broken document), text is "desanitised" (`&amp;` written back as `&`, corrupting titles that
 * contain a literal `&amp;`), `<` is not escaped in attributes (ill-formed XML), Atom titles are
 * declared `type="html"` (a plain title "<script> tags explained" becomes markup), RSS `<author>`
 * is filled with a bare name, and its JSON output is JSON Feed 1.0 (`author`, no `language`).
 * So all three formats are written here, on a 40-line escaping XML writer (xml.ts).
 */
import {toAtom} from './atom'
import {toJsonFeed} from './json-feed'
import type {FeedDocument, FeedFormat} from './model'
import {toRss} from './rss'

export function serializeFeed(format: FeedFormat, feed: FeedDocument): string {
  switch (format) {
    case 'rss':
      return toRss(feed)
    case 'atom':
      return toAtom(feed)
    case 'json':
      return toJsonFeed(feed)
  }
}
