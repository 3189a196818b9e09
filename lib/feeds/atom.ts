/**
 * Atom 1.0 (RFC 4287). Titles and summaries are plain text (`type="text"`), the body is HTML
 * (`type="html"`, entity-escaped). Every entry carries an author; the feed-level author (the site)
 * covers entries whose post has none, as §4.1.1 requires.
 */
import type {FeedDocument, FeedEntry} from './model'
import {element, textElement, xmlDocument, type XmlElement} from './xml'

export function toAtom({channel, entries}: FeedDocument): string {
  return xmlDocument(
    element('feed', {xmlns: 'http://www.w3.org/2005/Atom', 'xml:lang': channel.language}, [
      textElement('id', channel.id),
      textElement('title', channel.title, {type: 'text'}),
      channel.description ? textElement('subtitle', channel.description, {type: 'text'}) : null,
      textElement('updated', channel.updated.toISOString()),
      element('link', {rel: 'alternate', type: 'text/html', href: channel.homePageUrl}),
      element('link', {rel: 'self', type: 'application/atom+xml', href: channel.feedUrls.atom}),
      element('link', {rel: 'alternate', type: 'application/rss+xml', href: channel.feedUrls.rss}),
      element('link', {rel: 'alternate', type: 'application/feed+json', href: channel.feedUrls.json}),
      element('author', undefined, [textElement('name', channel.title), textElement('uri', channel.homePageUrl)]),
      textElement('generator', channel.generator.name),
      channel.image ? textElement('logo', channel.image.wide) : null,
      ...entries.map(entry),
    ]),
  )
}

function entry(item: FeedEntry): XmlElement {
  return element('entry', undefined, [
    textElement('id', item.id),
    textElement('title', item.title, {type: 'text'}),
    element('link', {rel: 'alternate', type: 'text/html', href: item.url}),
    textElement('published', item.published.toISOString()),
    textElement('updated', item.updated.toISOString()),
    ...item.authors.map((author) =>
      element('author', undefined, [textElement('name', author.name), author.url ? textElement('uri', author.url) : null]),
    ),
    ...item.categories.map((category) =>
      element('category', {term: category.term, scheme: category.scheme, label: category.label}),
    ),
    item.summary ? textElement('summary', item.summary, {type: 'text'}) : null,
    textElement('content', item.contentHtml, {type: 'html'}),
  ])
}
