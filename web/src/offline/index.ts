/**
 * The field app's offline library (plain TypeScript, no Vue): the local database, the actions
 * that write a change together with its outbox entry, and the sync client. docs/SYNC.md,
 * "Client library", describes it.
 */
export { OfflineDatabase, openOfflineDatabase, getClientId, getMeta, setMeta } from './db.js';
export * from './types.js';
export {
  recordReport,
  editTask,
  markNotificationRead,
  pendingCount,
  resolveConflict,
  retryRejected,
  type RecordReportInput,
  type RecordReportResult,
  type LocalActionOptions,
  type ConflictChoice,
} from './outbox.js';
export {
  SyncClient,
  browserEnvironment,
  type SyncClientOptions,
  type SyncEnvironment,
  type SyncEvents,
  type SyncPhase,
  type SyncProgress,
  type SyncRunResult,
  type SyncState,
  type SyncStatus,
  type SyncTrigger,
} from './sync-client.js';
export { fetchTransport, ServerError, type Transport, type ByteCounter } from './transport.js';
export { canvasCompressor, sha256Hex, uploadPhoto, type Compressor, type PhotoInput, type UploadHttp } from './photos.js';
export { requestPersistentStorage, checkStorage, needsHomeScreenInstall, type StorageStatus } from './storage.js';
export { signOutLocally, unsentSummary, UnsentEntriesError, type UnsentSummary } from './session.js';
export { backoffDelay, seededRandom } from './backoff.js';
export { SYNC_PULL, SYNC_PUSH, MAX_PUSH_BATCH } from './protocol.js';
