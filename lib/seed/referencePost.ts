import fs from 'node:fs'
import {fileURLToPath} from 'node:url'

/**
 * The reference post (content/sample-post.txt), as published on the "In Venezuela" blog on
 * 8 September 2018, split into what belongs where. Its text is used verbatim, typos included.
 */

export const SAMPLE_POST_PATH = fileURLToPath(new URL('./content/sample-post.txt', import.meta.url))

/**
 * Which lines (0-based) quote The New York Times. Each passage follows a line that introduces it
 * ("…The New York Times writes:", "…the newspaper writes:", "According to the article, …:"), and
 * the NYT's paragraphs run on until the blogger's own voice returns:
 *  - 4, 5: the "worth the risk" paragraph and the senior official's quote that follows it in the
 *    article (the blogger resumes with "While Washington planned…");
 *  - 7, 8: the first-meeting paragraph and the former commander's "I never agreed" paragraph (the
 *    blogger resumes with "The article claims…");
 *  - 12: the third-meeting paragraph. Line 13 ("The Maduro regime has long maintained…") is the
 *    blogger's own context, like the closing line about detained officers.
 */
export const BLOCKQUOTE_LINES: readonly number[] = [4, 5, 7, 8, 12]

export interface ReferencePostParts {
  /** Every body paragraph in order, with its Portable Text style. */
  paragraphs: {text: string; style: 'normal' | 'blockquote'}[]
  /** "Questions/Comments? E-mail me:" — becomes siteSettings.contactBlurb. */
  contactBlurb: string
  /** "invenezuelablog@gmail.com" — becomes siteSettings.contactEmail. */
  contactEmail: string
  /** "09.09.18: Confessed and Convicted" — the title of the post that pinged it. */
  pingbackSourceTitle: string
  /** "In Venezuela" — the name of the pinging site. */
  pingbackSourceSite: string
}

const CONTACT_LINE = /^(Questions\/Comments\? E-mail me:) (\S+@\S+)$/
const PINGBACK_LINE = /^Pingback: (.+) \| (.+)$/

/** The sample's lines, without a trailing newline's empty line. */
export function readSampleLines(text: string = fs.readFileSync(SAMPLE_POST_PATH, 'utf8')): string[] {
  return text.replace(/\r\n/g, '\n').replace(/\n+$/, '').split('\n')
}

/** Splits the sample into body, contact footer and pingback; throws if its shape has changed. */
export function referencePostParts(lines: string[] = readSampleLines()): ReferencePostParts {
  if (lines.length < 3) throw new Error('sample-post.txt: expected a body, a contact line and a pingback line')
  const contact = CONTACT_LINE.exec(lines[lines.length - 2])
  const pingback = PINGBACK_LINE.exec(lines[lines.length - 1])
  if (!contact || !pingback) {
    throw new Error('sample-post.txt: the last two lines must be the contact line and the pingback line')
  }
  const bodyLines = lines.slice(0, -2)
  for (const index of BLOCKQUOTE_LINES) {
    if (index >= bodyLines.length) throw new Error(`sample-post.txt: blockquote line ${index} is missing`)
  }
  return {
    paragraphs: bodyLines.map((text, index) => ({
      text,
      style: BLOCKQUOTE_LINES.includes(index) ? 'blockquote' : 'normal',
    })),
    contactBlurb: contact[1],
    contactEmail: contact[2],
    pingbackSourceTitle: pingback[1],
    pingbackSourceSite: pingback[2],
  }
}
