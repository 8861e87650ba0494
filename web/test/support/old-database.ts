import { Dexie } from 'dexie';
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';

// The phone's database as released versions left it, written out here rather than taken from
// db.ts, so that an upgrade test starts from what an older app really stored.
const V1 = {
  tasks: 'id, dueOn, parentId',
  reports: 'id, taskId, syncState, writtenAt',
  notifications: 'id, createdAt, readAt',
  outbox: '++seq, &id, kind, *refs',
  rejected: 'id, rejectedAt',
  conflicts: 'id, taskId, entryId',
  photos: 'id, reportId, status',
  deferredRemovals: 'id',
  meta: 'key',
};
const V3 = { ...V1, tasks: 'id, dueOn, parentId, resolution.id', extensionRequests: 'id, taskId, syncState' };
const V5 = { ...V3, drafts: 'key', resolutions: 'id', units: 'id', people: 'id' };
const STORES = { 1: V1, 3: V3, 5: V5 } as const;

/** A fake-indexeddb database named `name` with the tables of the app's database `version`, not opened yet. */
export function oldDatabase(name: string, version: keyof typeof STORES): Dexie {
  const db = new Dexie(name, { indexedDB, IDBKeyRange });
  db.version(version).stores(STORES[version]);
  return db;
}
