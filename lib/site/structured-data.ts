import type {Post} from '@/lib/site/types'
import {absoluteUrl, paths} from '@/lib/site/urls'

/** schema.org BlogPosting for a post page (absolute URLs, ISO dates). */
export function blogPostingJsonLd(post: Post, siteTitle: string, imageUrl?: string) {
  const url = absoluteUrl(paths.post(post.slug))
  return {
    '@context': 'https://schema.org',
    '@type': 'BlogPosting',
    headline: post.title ?? '',
    description: post.excerpt ?? undefined,
    datePublished: post.publishedAt,
    dateModified: post._updatedAt || post.publishedAt,
    url,
    mainEntityOfPage: {'@type': 'WebPage', '@id': url},
    ...(imageUrl ? {image: [imageUrl]} : {}),
    ...(post.author?.name
      ? {
          author: {
            '@type': 'Person',
            name: post.author.name,
            ...(post.author.slug ? {url: absoluteUrl(paths.author(post.author.slug))} : {}),
          },
        }
      : {}),
    publisher: {'@type': 'Organization', name: siteTitle, url: absoluteUrl(paths.home())},
    keywords: (post.tags ?? []).map((t) => t.title).filter(Boolean).join(', ') || undefined,
  }
}

/** Home › first category › post. */
export function breadcrumbJsonLd(post: Post, siteTitle: string) {
  const items: {name: string; url: string}[] = [{name: siteTitle, url: absoluteUrl(paths.home())}]
  const category = (post.categories ?? []).find((c) => c.slug)
  if (category?.slug) items.push({name: category.title ?? category.slug, url: absoluteUrl(paths.category(category.slug))})
  items.push({name: post.title ?? '', url: absoluteUrl(paths.post(post.slug))})
  return {
    '@context': 'https://schema.org',
    '@type': 'BreadcrumbList',
    itemListElement: items.map((item, index) => ({'@type': 'ListItem', position: index + 1, name: item.name, item: item.url})),
  }
}
