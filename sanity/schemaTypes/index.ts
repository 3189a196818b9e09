import type {SchemaTypeDefinition} from 'sanity'
import {authorType} from './author'
import {blockContentType} from './blockContent'
import {categoryType} from './category'
import {codeBlockType} from './codeBlock'
import {contactMessageType} from './contactMessage'
import {embedType} from './embed'
import {pageType} from './page'
import {pingbackType} from './pingback'
import {postType} from './post'
import {redirectType} from './redirect'
import {separatorType} from './separator'
import {rejectedMentionType} from './rejectedMention'
import {siteSettingsType} from './siteSettings'
import {tableType} from './table'
import {tagType} from './tag'
import {wpCommentType} from './wpComment'

/** Every schema type of Dispatch; docs/data-model.md is the contract they follow. */
export const schemaTypes: SchemaTypeDefinition[] = [
  postType,
  authorType,
  categoryType,
  tagType,
  siteSettingsType,
  pingbackType,
  rejectedMentionType,
  contactMessageType,
  blockContentType,
  codeBlockType,
  embedType,
  tableType,
  separatorType,
  pageType,
  redirectType,
  wpCommentType,
]
