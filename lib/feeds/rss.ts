/**
 * RSS 2.0 (https://www.rssboard.org/rss-specification) with the customary extensions:
 * `content:encoded` for the full HTML body, `dc:creator` for author names (RSS's own `<author>` must
 * be an e-mail address, which we do not publish), `atom:link rel="self"` (RSS Best Practices) and
 * `atom:updated` for the modification date RSS itself has no element for.
 */
import type {FeedDocument, FeedEntry} from './model'
import {element, textElement, xmlDocument, type XmlElement} from './xml'
import {escapeHtml} from './html-text'

const NS = {
  atom: 'http://www.w3.org/2005/Atom',
  content: 'http://purl.org/rss/1.0/modules/content/',
  dc: 'http://purl.org/dc/elements/1.1/',
}

/** RFC 822 date as RSS requires (`toUTCString` gives `Wed, 02 Oct 2002 13:00:00 GMT`). */
const rfc822 = (date: Date) => date.toUTCString()

export function toRss({channel, entries}: FeedDocument): string {
  return xmlDocument(
    element('rss', {version: '2.0', 'xmlns:atom': NS.atom, 'xmlns:content': NS.content, 'xmlns:dc': NS.dc}, [
      element('channel', undefined, [
        textElement('title', channel.title),
        textElement('link', channel.homePageUrl),
        textElement('description', channel.description),
        channel.language ? textElement('language', channel.language) : null,
        textElement('lastBuildDate', rfc822(channel.updated)),
        textElement('generator', channel.generator.name),
        textElement('docs', 'https://www.rssboard.org/rss-specification'),
        element('atom:link', {href: channel.feedUrls.rss, rel: 'self', type: 'application/rss+xml'}),
        channel.image
          ? element('image', undefined, [
              textElement('url', channel.image.small),
              // RSS requires the image title and link to match the channel's.
              textElement('title', channel.title),
              textElement('link', channel.homePageUrl),
            ])
          : null,
        ...entries.map(item),
      ]),
    ]),
  )
}

function item(entry: FeedEntry): XmlElement {
  return element('item', undefined, [
    textElement('title', entry.title),
    textElement('link', entry.url),
    textElement('guid', entry.id, {isPermaLink: 'false'}),
    textElement('pubDate', rfc822(entry.published)),
    textElement('atom:updated', entry.updated.toISOString()),
    ...entry.authors.map((author) => textElement('dc:creator', author.name)),
    ...entry.categories.map((category) => textElement('category', category.label, {domain: category.scheme})),
    // RSS `description` is HTML; the excerpt is plain text, so it is HTML-escaped before XML-escaping.
    entry.summary ? textElement('description', escapeHtml(entry.summary)) : null,
    textElement('content:encoded', entry.contentHtml),
  ])
}
