/**
 * The Live Content API's data side.
 * - sync-tags.ts  which sync tags a query result carries and which a committed change fires
 * - event-log.ts  `LiveEventLog`: one event per commit with its tags, resumable by event id
 * The HTTP stream itself is lib/lake/listen/live-events.ts; query responses get their tags in
 * lib/lake/http/routes/data.ts.
 */
export {LiveEventLog, MAX_TAGS_PER_EVENT, type LiveEvent} from './event-log'
export {syncTagsFor, tagsForChange, type SyncTag} from './sync-tags'
