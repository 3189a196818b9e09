import type {Metadata} from 'next'
import Link from '@/components/site/SiteLink'
import {notFound} from 'next/navigation'
import {ContactSection} from '@/components/contact/ContactSection'
import {PingbackSection} from '@/components/pingbacks/PingbackSection'
import {PortableTextBody} from '@/components/portable-text/PortableTextBody'
import {ContentImage} from '@/components/site/ContentImage'
import {JsonLd} from '@/components/site/JsonLd'
import {PostCard} from '@/components/site/PostCard'
import {PostMeta} from '@/components/site/PostMeta'
import {isDraftMode} from '@/sanity/lib/fetch'
import {urlForImage} from '@/sanity/lib/image'
import {siteContext} from '@/lib/site/context'
import {pageMetadata} from '@/lib/site/metadata'
import {getPost, getRelatedPosts, recentPostSlugs} from '@/lib/site/posts'
import {readingTimeMinutes} from '@/lib/site/reading-time'
import {blogPostingJsonLd, breadcrumbJsonLd} from '@/lib/site/structured-data'
import {paths} from '@/lib/site/urls'
import {editAttributes} from '@/lib/site/edit-attributes'

type Props = {params: Promise<{slug: string}>}

export async function generateStaticParams() {
  return (await recentPostSlugs()).map((slug) => ({slug}))
}

export async function generateMetadata({params}: Props): Promise<Metadata> {
  const post = await getPost((await params).slug)
  if (!post) return {title: 'Not found', robots: {index: false}}
  return pageMetadata({
    title: post.title || 'Untitled',
    description: post.seoDescription || post.excerpt,
    path: paths.post(post.slug),
    type: 'article',
    publishedTime: post.publishedAt,
    modifiedTime: post._updatedAt,
    authors: post.author?.name ? [post.author.name] : undefined,
    tags: (post.tags ?? []).map((t) => t.title ?? '').filter(Boolean),
  })
}

export default async function PostPage({params}: Props) {
  const post = await getPost((await params).slug)
  if (!post) notFound()
  const [{settings, title: siteTitle, locale}, related, draft] = await Promise.all([siteContext(), getRelatedPosts(post), isDraftMode()])
  // Text carries stega edit links in draft mode; images have no text, so the cover is marked by hand.
  const editable = (path: string) => editAttributes(draft, {id: post._id, type: 'post'}, path)
  const minutes = readingTimeMinutes(post.body)
  const coverUrl = post.coverImage?.asset ? urlForImage(post.coverImage).width(1200).height(630).fit('crop').url() : undefined
  const tags = (post.tags ?? []).filter((t) => t.slug)

  return (
    <>
      <JsonLd data={blogPostingJsonLd(post, siteTitle, coverUrl)} />
      <JsonLd data={breadcrumbJsonLd(post, siteTitle)} />
      <article className="mx-auto max-w-[65ch]">
        <header className="mb-8">
          <h1 className="font-serif text-3xl leading-tight font-bold text-pretty sm:text-4xl">
            {post.title}
          </h1>
          <PostMeta post={post} locale={locale} readingMinutes={minutes} className="mt-3" />
        </header>
        {post.coverImage?.asset ? (
          <div className="mb-8" {...editable('coverImage')}>
            <ContentImage image={post.coverImage} sizes="(min-width: 768px) 65ch, 100vw" priority />
          </div>
        ) : null}
        <div className="prose prose-zinc prose-lg dark:prose-invert prose-a:text-[color:var(--color-accent)] dark:prose-a:text-[color:var(--color-accent-dark)] prose-blockquote:font-normal prose-blockquote:not-italic max-w-none">
          <PortableTextBody value={post.body} />
        </div>
        {tags.length > 0 ? (
          <div className="mt-8">
            <h2 className="sr-only">Tags</h2>
            <ul className="flex flex-wrap gap-2">
              {tags.map((tag) => (
                <li key={tag.slug}>
                  <Link
                    href={paths.tag(tag.slug!)}
                    rel="tag"
                    className="inline-block rounded-full border border-zinc-300 px-3 py-1 text-sm hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
                  >
                    #{tag.title}
                  </Link>
                </li>
              ))}
            </ul>
          </div>
        ) : null}

        <PingbackSection postId={post._id} locale={locale} />

        {post.previous || post.next ? (
          <nav aria-label="More posts" className="mt-10 grid gap-4 border-t border-zinc-200 pt-6 sm:grid-cols-2 dark:border-zinc-800">
            {post.previous?.slug ? (
              <Link href={paths.post(post.previous.slug)} rel="prev" className="group">
                <span className="eyebrow block">← Previous post</span>
                <span className="font-serif font-bold group-hover:underline">{post.previous.title}</span>
              </Link>
            ) : (
              <span />
            )}
            {post.next?.slug ? (
              <Link href={paths.post(post.next.slug)} rel="next" className="group sm:text-right">
                <span className="eyebrow block">Next post →</span>
                <span className="font-serif font-bold group-hover:underline">{post.next.title}</span>
              </Link>
            ) : null}
          </nav>
        ) : null}
      </article>

      {related.length > 0 ? (
        <aside aria-labelledby="related-heading" className="mx-auto mt-12 max-w-[65ch] border-t border-zinc-200 pt-6 dark:border-zinc-800">
          <h2 id="related-heading" className="font-serif text-xl font-bold">
            Related posts
          </h2>
          <div className="mt-4">
            {related.map((p) => (
              <PostCard key={p._id} post={p} locale={locale} headingLevel={3} />
            ))}
          </div>
        </aside>
      ) : null}

      <div className="post-responses mx-auto max-w-[65ch]">
        <ContactSection settings={settings} postId={post._id} permalink={paths.post(post.slug)} />
      </div>
    </>
  )
}
