/**
 * Content Source Maps for query results.
 * - source-map.ts  `contentSourceMap(result, reads, keyed)`: the `resultSourceMap` of a response
 */
export {contentSourceMap, type ContentSourceMap} from './source-map'
