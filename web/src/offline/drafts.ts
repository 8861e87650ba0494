import type { OfflineDatabase } from './db.js';
import type { DraftRow } from './types.js';

// Half-typed forms kept on the device (the `drafts` store, database version 4), so a reload, a
// crash or a lost connection does not lose them. Keys name the form and what it is about
// (`task-edit:<taskId>`, `plan-sub:<parentId>` …); sign-out clears them with the rest.

export async function readDraft(db: OfflineDatabase, key: string): Promise<DraftRow | undefined> {
  return db.drafts.get(key);
}

export async function writeDraft(db: OfflineDatabase, key: string, value: unknown): Promise<DraftRow> {
  const row: DraftRow = { key, value, savedAt: new Date().toISOString() };
  await db.drafts.put(row);
  return row;
}

export async function discardDraft(db: OfflineDatabase, key: string): Promise<void> {
  await db.drafts.delete(key);
}

/**
 * Moves a draft that no longer reads as its form's shape (an older app wrote it) out of the
 * form's way under `aside:` instead of deleting it: what the person typed is never dropped.
 */
export async function setDraftAside(db: OfflineDatabase, row: DraftRow): Promise<void> {
  await db.transaction('rw', db.drafts, async () => {
    await db.drafts.put({ ...row, key: `aside:${row.savedAt}:${row.key}` });
    await db.drafts.delete(row.key);
  });
}
