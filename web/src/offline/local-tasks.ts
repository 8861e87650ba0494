import type { OfflineDatabase } from './db.js';
import { EDITABLE_TASK_FIELDS, type LocalTask, type ServerTask, type TaskEdit } from './types.js';

/**
 * Recomputes a task row from the server's copy and the unsent UPDATE_TASK entries that name it,
 * in the order they were made. Call inside a transaction over `tasks` and `outbox`.
 */
export async function rebuildTask(db: OfflineDatabase, taskId: string, server?: ServerTask): Promise<LocalTask | undefined> {
  const existing = await db.tasks.get(taskId);
  const base = server ?? existing?.server;
  if (!base) return undefined;
  const entries = (await db.outbox.where('refs').equals(taskId).sortBy('seq')).filter((e) => e.kind === 'UPDATE_TASK');
  const row: LocalTask = { ...base, server: base, serverVersion: base.version, pendingFields: [] };
  const pending = new Set<keyof TaskEdit>();
  for (const e of entries) {
    if (e.kind !== 'UPDATE_TASK') continue;
    for (const f of EDITABLE_TASK_FIELDS) {
      if (e.updateTask[f] !== undefined) {
        row[f] = e.updateTask[f] ?? null;
        pending.add(f);
      }
    }
  }
  row.pendingFields = [...pending];
  await db.tasks.put(row);
  return row;
}
