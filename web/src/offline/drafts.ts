import type { OfflineDatabase } from './db.js';
import type { DraftPlace, DraftRow } from './types.js';

// Half-typed forms kept on the device (the `drafts` store, database version 4), so a reload, a
// crash or a lost connection does not lose them. Keys name the form and what it is about
// (`task-edit:<taskId>`, `report:<taskId>`, `plan-sub:<parentId>` …); sign-out clears them with the rest.

export async function readDraft(db: OfflineDatabase, key: string): Promise<DraftRow | undefined> {
  return db.drafts.get(key);
}

export async function writeDraft(db: OfflineDatabase, key: string, value: unknown, place?: DraftPlace): Promise<DraftRow> {
  const row: DraftRow = { key, value, savedAt: new Date().toISOString(), ...(place ? { place } : {}) };
  await db.drafts.put(row);
  return row;
}

/** The drafts under any of `keys` (a key ending in `:` stands for every key it begins), newest first. */
export async function findDrafts(db: OfflineDatabase, keys: string[]): Promise<DraftRow[]> {
  const exact = keys.filter((k) => !k.endsWith(':'));
  const prefixes = keys.filter((k) => k.endsWith(':'));
  const rows = [
    ...(exact.length ? (await db.drafts.bulkGet(exact)).filter((r): r is DraftRow => !!r) : []),
    ...(prefixes.length ? await db.drafts.where('key').startsWithAnyOf(prefixes).toArray() : []),
  ];
  return rows.sort((a, b) => b.savedAt.localeCompare(a.savedAt));
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

/** Where the report form kept its text before database version 6: one tab's sessionStorage. */
const SESSION_REPORT_DRAFT = 'resolute.draft.';

/**
 * The report drafts an older app left in this tab's sessionStorage, as rows of the drafts store
 * (`report:<taskId>`), taken out of sessionStorage so they are carried over once.
 */
export function takeSessionReportDrafts(storage: Storage | undefined = sessionStore()): DraftRow[] {
  if (!storage) return [];
  const rows: DraftRow[] = [];
  const savedAt = new Date().toISOString();
  for (const name of sessionReportDraftNames(storage)) {
    try {
      const value = JSON.parse(storage.getItem(name) ?? 'null') as unknown;
      if (value && typeof value === 'object')
        rows.push({ key: `report:${name.slice(SESSION_REPORT_DRAFT.length)}`, value, savedAt });
    } catch {
      // Not JSON: nothing the form could read back.
    }
  }
  return rows;
}

/** Forgets the sessionStorage copies once the drafts store holds them. */
export function forgetSessionReportDrafts(storage: Storage | undefined = sessionStore()): void {
  if (!storage) return;
  for (const name of sessionReportDraftNames(storage)) storage.removeItem(name);
}

/** This tab's sessionStorage, if the page may use it (a sandboxed frame may not, and is told so by an exception). */
function sessionStore(): Storage | undefined {
  try {
    return globalThis.sessionStorage;
  } catch {
    return undefined;
  }
}

function sessionReportDraftNames(storage: Storage): string[] {
  const names: string[] = [];
  for (let i = 0; i < storage.length; i++) {
    const name = storage.key(i);
    if (name?.startsWith(SESSION_REPORT_DRAFT)) names.push(name);
  }
  return names;
}
