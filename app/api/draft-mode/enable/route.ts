import {defineEnableDraftMode} from 'next-sanity/draft-mode'
import {previewClient} from '@/sanity/lib/client'

/**
 * Entered from the Studio's Presentation tool: it creates a short-lived preview secret in the
 * dataset and sends the browser here with it; the secret is checked against the dataset with the
 * server's read token before the draft-mode cookie is set. Without a valid secret: 401.
 */
export const {GET} = defineEnableDraftMode({client: previewClient()})
