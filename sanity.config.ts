'use client'

/**
 * The Studio, configured in one place. It is embedded in the Next.js app at /studio
 * (app/studio/[[...tool]]/page.tsx). With no hosted project configured it talks to the local
 * Content Lake at `browserApiHost` (https://localhost:<lake port>); the Studio then calls
 * `https://<projectId>.localhost:<port>`, which browsers resolve to loopback.
 */
import {createClient} from '@sanity/client'
import {visionTool} from '@sanity/vision'
import {defineConfig} from 'sanity'
import {defineLocations, presentationTool} from 'sanity/presentation'
import {structureTool} from 'sanity/structure'
import {paths} from '@/lib/site/urls'
import {NOT_CREATABLE_TYPES, resolveDocumentActions} from './sanity/actions'
import {apiVersion, browserApiHost, browserApiUsesProjectHostname, dataset, projectId, studioPath} from './sanity/env'
import {schemaTypes} from './sanity/schemaTypes'
import {structure} from './sanity/structure'

/** Where each document type shows on the site, so Presentation opens the right page. */
const locations = {
  post: defineLocations({
    select: {title: 'title', slug: 'slug.current'},
    resolve: (doc) => ({
      locations: doc?.slug
        ? [
            {title: doc.title || 'Untitled', href: paths.post(doc.slug)},
            {title: 'Home', href: paths.home()},
          ]
        : [],
    }),
  }),
  category: defineLocations({
    select: {title: 'title', slug: 'slug.current'},
    resolve: (doc) => ({locations: doc?.slug ? [{title: doc.title || 'Category', href: paths.category(doc.slug)}] : []}),
  }),
  tag: defineLocations({
    select: {title: 'title', slug: 'slug.current'},
    resolve: (doc) => ({locations: doc?.slug ? [{title: doc.title || 'Tag', href: paths.tag(doc.slug)}] : []}),
  }),
  author: defineLocations({
    select: {title: 'name', slug: 'slug.current'},
    resolve: (doc) => ({locations: doc?.slug ? [{title: doc.title || 'Author', href: paths.author(doc.slug)}] : []}),
  }),
}

export default defineConfig({
  name: 'default',
  title: 'Dispatch',
  basePath: studioPath,
  projectId,
  dataset,
  // Undefined when hosted: Sanity's own API host.
  ...(browserApiHost ? {apiHost: browserApiHost} : {}),
  // Behind PUBLIC_URL the lake answers at the site's own origin (`https://blog.example.com/v…`), not
  // at `<projectId>.<host>`: every Studio client is made without the project hostname. Sanity marks
  // this factory unstable; it is the only way Studio 5.31 offers, and the e2e proxy test covers it.
  ...(browserApiUsesProjectHostname
    ? {}
    : {unstable_clientFactory: (options: Parameters<typeof createClient>[0]) => createClient({...options, useProjectHostname: false})}),
  schema: {
    types: schemaTypes,
    // Singletons and machine-written types never appear in "Create new document".
    templates: (templates) => templates.filter((template) => !NOT_CREATABLE_TYPES.has(template.schemaType)),
  },
  document: {
    actions: resolveDocumentActions,
    // Comments live in Sanity's `<dataset>-comments` addon dataset; the local lake creates and serves
    // it too (lib/lake/http/routes/comments.ts).
    comments: {enabled: true},
    newDocumentOptions: (previous) =>
      previous.filter((item) => !NOT_CREATABLE_TYPES.has(item.templateId)),
  },
  plugins: [
    structureTool({structure}),
    presentationTool({
      // The site's draft-mode route (next-sanity's defineEnableDraftMode) lives on the same origin.
      previewUrl: {previewMode: {enable: '/api/draft-mode/enable'}},
      resolve: {locations},
    }),
    visionTool({defaultApiVersion: apiVersion}),
  ],
})
