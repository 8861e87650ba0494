/**
 * The field app's sync operations and protocol, as the sync benchmarks send them: the web's own
 * documents (web/src/offline/protocol.ts) and the server's protocol version, never copies, so a
 * bench measures the pull the phones make.
 */
export { SYNC_PULL, SYNC_PUSH } from '../../web/src/offline/protocol.js';
export { PROTOCOL_VERSION } from '../../server/src/modules/sync/sync.service.js';
