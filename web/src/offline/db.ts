import { Dexie, type DexieOptions, type EntityTable, type Table } from 'dexie';
import type {
  ConflictRecord,
  DeferredRemoval,
  DraftRow,
  LocalExtensionRequest,
  LocalNotification,
  LocalPerson,
  LocalReport,
  LocalResolution,
  LocalTask,
  LocalUnit,
  MetaRow,
  OutboxEntry,
  PhotoRow,
  RejectedEntry,
  ServerTask,
} from './types.js';
import { forgetSessionReportDrafts, takeSessionReportDrafts } from './drafts.js';

/**
 * The field app's local database. Screens read `tasks`, `reports`, `notifications`, `conflicts`
 * and the outbox count; only the functions of this folder write, each change together with its
 * outbox entry in one IndexedDB transaction.
 *
 * Versions: never edit a released `version(n)`; add `version(n + 1)` with the new stores and an
 * `upgrade()` that rewrites old rows. Dexie runs every step in order on an older database.
 */
export class OfflineDatabase extends Dexie {
  tasks!: EntityTable<LocalTask, 'id'>;
  reports!: EntityTable<LocalReport, 'id'>;
  notifications!: EntityTable<LocalNotification, 'id'>;
  outbox!: Table<OutboxEntry, number>;
  rejected!: EntityTable<RejectedEntry, 'id'>;
  conflicts!: EntityTable<ConflictRecord, 'id'>;
  photos!: EntityTable<PhotoRow, 'id'>;
  deferredRemovals!: EntityTable<DeferredRemoval, 'id'>;
  meta!: EntityTable<MetaRow, 'key'>;
  extensionRequests!: EntityTable<LocalExtensionRequest, 'id'>;
  drafts!: EntityTable<DraftRow, 'key'>;
  resolutions!: EntityTable<LocalResolution, 'id'>;
  units!: EntityTable<LocalUnit, 'id'>;
  people!: EntityTable<LocalPerson, 'id'>;

  constructor(name = 'resolute', options?: DexieOptions) {
    super(name, options);
    this.version(1).stores({
      tasks: 'id, dueOn, parentId',
      reports: 'id, taskId, syncState, writtenAt',
      notifications: 'id, createdAt, readAt',
      outbox: '++seq, &id, kind, *refs',
      rejected: 'id, rejectedAt',
      conflicts: 'id, taskId, entryId',
      photos: 'id, reportId, status',
      deferredRemovals: 'id',
      meta: 'key',
    });
    // 2 (sync protocol 2): tasks carry their resolution (indexed, for the filter) and
    // completedAt, reports their reviewer's name. Old rows get explicit nulls so they read as
    // valid rows, and the cursor goes so the next pull brings every row with the new fields
    // (the server would also restart the round for a protocol-1 cursor).
    this.version(2)
      .stores({ tasks: 'id, dueOn, parentId, resolution.id' })
      .upgrade(async (tx) => {
        const withV2 = (t: Partial<ServerTask>) => ({
          ...t,
          completedAt: t.completedAt ?? null,
          resolution: t.resolution ?? null,
        });
        await tx
          .table('tasks')
          .toCollection()
          .modify((t: LocalTask) => {
            Object.assign(t, withV2(t));
            if (t.server) t.server = withV2(t.server) as ServerTask;
          });
        await tx
          .table('conflicts')
          .toCollection()
          .modify((c: ConflictRecord) => {
            if (c.server) c.server = withV2(c.server) as ServerTask;
          });
        await tx
          .table('reports')
          .toCollection()
          .modify((r: LocalReport) => {
            r.reviewerName = r.reviewerName ?? null;
          });
        await tx.table('meta').delete('cursor');
      });
    // 3 (sync protocol 3): deadline-extension requests, and the tasks' original and measured due
    // dates. Old task rows get explicit nulls; the cursor goes so the next pull brings them.
    this.version(3)
      .stores({ extensionRequests: 'id, taskId, syncState' })
      .upgrade(async (tx) => {
        const withV3 = (t: Partial<ServerTask>) => ({
          ...t,
          originalDueOn: t.originalDueOn ?? null,
          onTimeDueOn: t.onTimeDueOn ?? null,
        });
        await tx
          .table('tasks')
          .toCollection()
          .modify((t: LocalTask) => {
            Object.assign(t, withV3(t));
            if (t.server) t.server = withV3(t.server) as ServerTask;
          });
        await tx.table('meta').delete('cursor');
      });
    // 4: half-typed forms (task edit, plan forms) kept across reloads; nothing to rewrite.
    this.version(4).stores({ drafts: 'key' });
    // 5 (sync protocol 4): reference data. The names the rows show live in tables of their own,
    // kept current by the pull, and the screens join them in.
    // The resolutions the tasks carry inline seed `resolutions`, so nothing shows blank before
    // the next pull; the cursor goes so that pull brings the units, people and their ids.
    this.version(5)
      .stores({ resolutions: 'id', units: 'id', people: 'id' })
      .upgrade(async (tx) => {
        const seen = new Map<string, LocalResolution>();
        const withV4 = (t: Partial<ServerTask>) => ({
          ...t,
          leadUnitId: t.leadUnitId ?? null,
          assignerUnitId: t.assignerUnitId ?? null,
        });
        await tx
          .table('tasks')
          .toCollection()
          .modify((t: LocalTask) => {
            if (t.server?.resolution) seen.set(t.server.resolution.id, t.server.resolution);
            Object.assign(t, withV4(t));
            if (t.server) t.server = withV4(t.server) as ServerTask;
          });
        await tx.table('resolutions').bulkPut([...seen.values()]);
        await tx
          .table('reports')
          .toCollection()
          .modify((r: LocalReport) => {
            r.reviewedById = r.reviewedById ?? null;
          });
        await tx
          .table('extensionRequests')
          .toCollection()
          .modify((x: LocalExtensionRequest) => {
            x.decidedById = x.decidedById ?? null;
          });
        await tx.table('meta').delete('cursor');
      });
    // 6: the report form keeps its half-typed text in `drafts` (`report:<taskId>`) as the other
    // forms do; what an older app left in this tab's sessionStorage is carried over, once.
    this.version(6)
      .stores({})
      .upgrade(async (tx) => {
        const rows = takeSessionReportDrafts();
        if (!rows.length) return;
        await tx.table('drafts').bulkPut(rows);
        forgetSessionReportDrafts();
      });
  }
}

/** Opens the database; tests pass fake-indexeddb through `options` ({ indexedDB, IDBKeyRange }). */
export function openOfflineDatabase(name = 'resolute', options?: DexieOptions): OfflineDatabase {
  return new OfflineDatabase(name, options);
}

export async function getMeta<T>(db: OfflineDatabase, key: string): Promise<T | undefined> {
  return (await db.meta.get(key))?.value as T | undefined;
}

export async function setMeta(db: OfflineDatabase, key: string, value: unknown): Promise<void> {
  await db.meta.put({ key, value });
}

/** This installation's id: made once, kept until the database is deleted (sign-out keeps it). */
export async function getClientId(db: OfflineDatabase): Promise<string> {
  return db.transaction('rw', db.meta, async () => {
    const existing = await getMeta<string>(db, 'clientId');
    if (existing) return existing;
    const id = crypto.randomUUID();
    await setMeta(db, 'clientId', id);
    return id;
  });
}
