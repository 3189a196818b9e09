/**
 * JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/). Written by hand: the `feed` package (v6)
 * emits version 1 (`author` instead of 1.1's `authors`, no `language`).
 */
import type {FeedDocument, FeedEntry} from './model'
import {sanitizeDeep} from './xml-safe'

export const JSON_FEED_VERSION = 'https://jsonfeed.org/version/1.1'

export function toJsonFeed({channel, entries}: FeedDocument): string {
  const feed = {
    version: JSON_FEED_VERSION,
    title: channel.title,
    home_page_url: channel.homePageUrl,
    feed_url: channel.feedUrls.json,
    description: channel.description || undefined,
    icon: channel.image?.square,
    language: channel.language,
    authors: [{name: channel.title, url: channel.homePageUrl}],
    items: entries.map(item),
  }
  // Control characters are legal (escaped) in JSON, but readers often re-emit items as XML/HTML:
  // the JSON feed gets the same cleaning as the XML ones so all three carry identical text.
  return `${JSON.stringify(sanitizeDeep(feed), null, 2)}\n`
}

function item(entry: FeedEntry) {
  return {
    id: entry.id,
    url: entry.url,
    title: entry.title,
    content_html: entry.contentHtml,
    summary: entry.summary,
    image: entry.image,
    date_published: entry.published.toISOString(),
    date_modified: entry.updated.toISOString(),
    authors: entry.authors.length > 0 ? entry.authors.map((author) => ({name: author.name, url: author.url})) : undefined,
    tags: entry.categories.length > 0 ? entry.categories.map((category) => category.label) : undefined,
  }
}
