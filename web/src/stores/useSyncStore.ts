import { defineStore } from 'pinia';
import { computed, onScopeDispose, shallowRef, watch } from 'vue';
import { useDatabase } from '../composables/useDatabase';
import { useLiveQuery } from '../composables/useLiveQuery';
import { useOnline } from '../composables/useOnline';
import type { SyncClient, SyncState } from '../offline/sync-client';
import type { ConflictRecord, LocalReport, OutboxEntry, PhotoRow, RejectedEntry } from '../offline/types';
import { useAuthStore } from './useAuthStore';

/** How an entry stands, as the sync screen shows it. */
export type EntryState = 'waiting' | 'sending' | 'sent' | 'rejected' | 'conflict';

export interface EntryView {
  id: string;
  state: EntryState;
  kind: OutboxEntry['kind'];
  createdAt: string;
  taskId: string | null;
  /** The person-readable reason a rejected entry was refused. */
  reason: string | null;
  /** The server's code for a rejection (BAD_USER_INPUT, NOT_FOUND…), explained in the person's language. */
  code: string | null;
  /** The field a BAD_USER_INPUT rejection names (percent, values…). */
  field: string | null;
  /** For a report: its percent, to recognise it in the list. */
  percent: number | null;
  conflictId: string | null;
}

const INITIAL: SyncState = {
  status: 'idle',
  progress: { phase: 'idle', done: 0, total: null, bytes: 0 },
  pending: 0,
  conflicts: 0,
  rejected: 0,
  photosPending: 0,
  lastSyncAt: null,
  lastError: null,
  nextRetryAt: null,
  failures: 0,
  sending: [],
};

function taskIdOf(entry: OutboxEntry | undefined): string | null {
  if (!entry) return null;
  if (entry.kind === 'CREATE_REPORT') return entry.createReport.taskId;
  if (entry.kind === 'UPDATE_TASK') return entry.updateTask.taskId;
  if (entry.kind === 'REQUEST_EXTENSION') return entry.requestExtension.taskId;
  return null;
}

/** Builds the per-entry list: unsent, then refused and in conflict, then recently sent. */
export function entryViews(
  outbox: OutboxEntry[],
  rejected: RejectedEntry[],
  conflicts: ConflictRecord[],
  sent: LocalReport[],
  /** Ids of the entries in the push request in flight (SyncState.sending). */
  sending: ReadonlySet<string>,
): EntryView[] {
  const views: EntryView[] = [];
  for (const e of outbox) {
    views.push({
      id: e.id,
      state: sending.has(e.id) ? 'sending' : 'waiting',
      kind: e.kind,
      createdAt: e.createdAt,
      taskId: taskIdOf(e),
      reason: e.lastError,
      code: null,
      field: null,
      percent: e.kind === 'CREATE_REPORT' ? e.createReport.percent : null,
      conflictId: null,
    });
  }
  for (const c of conflicts) {
    views.push({
      id: c.entryId,
      state: 'conflict',
      kind: c.extension ? 'REQUEST_EXTENSION' : 'UPDATE_TASK',
      createdAt: c.createdAt,
      taskId: c.taskId,
      reason: null,
      code: null,
      field: null,
      percent: null,
      conflictId: c.id,
    });
  }
  for (const r of rejected) {
    const entry = r.entry as OutboxEntry | undefined;
    views.push({
      id: r.id,
      state: 'rejected',
      kind: entry?.kind ?? 'CREATE_REPORT',
      createdAt: entry?.createdAt ?? r.rejectedAt,
      taskId: taskIdOf(entry),
      reason: r.reason,
      code: r.code,
      field: r.field,
      percent: entry?.kind === 'CREATE_REPORT' ? entry.createReport.percent : null,
      conflictId: null,
    });
  }
  for (const report of sent) {
    views.push({
      id: report.id,
      state: 'sent',
      kind: 'CREATE_REPORT',
      createdAt: report.writtenAt,
      taskId: report.taskId,
      reason: null,
      code: null,
      field: null,
      percent: report.percent,
      conflictId: null,
    });
  }
  return views;
}

/**
 * The sync as the interface sees it: online or not, unsent count, last sync, progress, and every
 * entry's state. Wraps the one SyncClient of this tab (offline/sync-client.ts); loaded lazily so
 * the GraphQL client stays out of the first paint.
 */
export const useSyncStore = defineStore('sync', () => {
  const db = useDatabase();
  const online = useOnline();
  const auth = useAuthStore();
  const state = shallowRef<SyncState>(INITIAL);
  let client: SyncClient | null = null;
  let starting: Promise<SyncClient> | null = null;

  const outbox = useLiveQuery(() => db.outbox.orderBy('seq').toArray(), [] as OutboxEntry[]);
  const rejected = useLiveQuery(() => db.rejected.orderBy('rejectedAt').reverse().toArray(), [] as RejectedEntry[]);
  const conflicts = useLiveQuery(() => db.conflicts.toArray(), [] as ConflictRecord[]);
  const photos = useLiveQuery(() => db.photos.filter((p) => p.status !== 'VERIFIED').toArray(), [] as PhotoRow[]);
  const recentlySent = useLiveQuery(
    () =>
      db.reports
        .where('syncState')
        .equals('SYNCED')
        .filter((r) => r.receivedAt !== null)
        .reverse()
        .sortBy('writtenAt')
        .then((rows) => rows.slice(0, 20)),
    [] as LocalReport[],
  );
  const lastSyncAt = useLiveQuery(
    async () => ((await db.meta.get('lastSyncAt'))?.value as string | undefined) ?? null,
    null as string | null,
  );

  /** Entries not yet confirmed by the server, photos included: the number always on screen. */
  const unsentCount = computed(() => outbox.value.length + photos.value.length);
  const attention = computed(() => rejected.value.length + conflicts.value.length);
  // Offline nothing is being sent, whatever a run about to fail still says.
  const syncing = computed(() => state.value.status === 'syncing' && online.value);
  const sending = computed(() => new Set(state.value.sending));
  const entries = computed(() => entryViews(outbox.value, rejected.value, conflicts.value, recentlySent.value, sending.value));

  async function ensureClient(): Promise<SyncClient> {
    if (client) return client;
    starting ??= (async () => {
      const [{ SyncClient, browserEnvironment }, { apolloTransport }, { accessToken }] = await Promise.all([
        import('../offline/sync-client'),
        import('../graphql/transport'),
        import('../graphql/client'),
      ]);
      const made = new SyncClient({
        db,
        transport: apolloTransport,
        upload: { baseUrl: '', getToken: () => accessToken().catch(() => null) },
        environment: browserEnvironment(),
      });
      made.on('state', (next) => {
        state.value = next;
        // The server no longer accepts this sign-in (revoked or disabled): sign out here too.
        if (next.status === 'unauthenticated') auth.endedByServer();
      });
      client = made;
      return made;
    })();
    return starting;
  }

  /** Starts syncing for the signed-in account (at start, online, visible, on a timer). */
  async function start(): Promise<void> {
    if (!auth.signedIn) return;
    const c = await ensureClient();
    await c.refreshCounts().catch(() => undefined);
    if (disposed) return;
    c.start();
    void import('../offline/storage').then(({ requestPersistentStorage }) => requestPersistentStorage().catch(() => false));
  }

  /** The "sync now" button. */
  async function syncNow(): Promise<void> {
    if (!auth.signedIn) return;
    const c = await ensureClient();
    c.start();
    await c.syncNow();
  }

  /** Resolves when no sync is running (before an update reloads the page). */
  async function whenIdle(): Promise<void> {
    if (starting) await starting;
    if (client) await client.idle();
  }

  // A store torn down (the app unmounted) stops its timers and triggers for good.
  let disposed = false;
  onScopeDispose(() => {
    disposed = true;
    client?.stop();
  });

  watch(
    () => auth.signedIn,
    (signedIn) => {
      if (!signedIn) {
        client?.stop();
        state.value = INITIAL;
      }
    },
  );

  return {
    state,
    online,
    outbox,
    rejected,
    conflicts,
    photos,
    lastSyncAt,
    unsentCount,
    attention,
    syncing,
    entries,
    start,
    syncNow,
    whenIdle,
  };
});
