/**
 * Content Source Maps for query results.
 * - source-map.ts  `contentSourceMap(result, reads, keyed, literals)`: the `resultSourceMap` of a response;
 *   `queryStringLiterals(query)`: the literals a result string must not be mapped to by value alone
 */
export {contentSourceMap, queryStringLiterals, type ContentSourceMap} from './source-map'
