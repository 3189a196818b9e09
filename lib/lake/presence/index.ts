/**
 * Presence for the Studio: who is viewing and editing what.
 *
 * Modules: hub.ts (the bifur presence protocol: authorisation, roll call, announce, disconnect,
 * relayed between the connections of a dataset), socket.ts (the `/v<date>/socket/<dataset>`
 * WebSocket endpoint on the lake's servers). Entry point: `attachPresenceSockets`.
 */
export {attachPresenceSockets, type PresenceSockets} from './socket'
