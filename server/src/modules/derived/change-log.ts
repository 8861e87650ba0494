import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * What the derived-data worker must apply, written in the same transaction as the change (REPORT
 * and REVIEW by triggers on progress_report, PROGRESS by the task service):
 * - REPORT: a report was stored (report rollups, the task's report facts, last report time, the
 *   reviewers' notice);
 * - REVIEW: a report was approved or returned (its state in the task's facts, the task's progress
 *   up the tree when approved, the reporting unit's notice);
 * - PROGRESS: a task's structure changed (a child added or cancelled, a weight changed): its
 *   progress and its ancestors' are recomputed;
 * - TASK: a task row that feeds its warnings changed (by trigger);
 * - EVALUATION: a leader's rating changed (by trigger): its rollup delta is folded.
 */
export type ChangeKind = 'REPORT' | 'REVIEW' | 'PROGRESS' | 'TASK' | 'EVALUATION';

export interface Change {
  kind: ChangeKind;
  taskId: string;
  reportId?: string | null;
}

/** Appends changes to the log inside the caller's transaction, in one statement. */
export async function appendChanges(em: EntityManager, changes: Change[]): Promise<void> {
  if (!changes.length) return;
  await em.execute(
    `insert into derived_change (kind, task_id, report_id)
     select * from unnest(?::varchar[], ?::uuid[], ?::uuid[])`,
    [pgArray(changes.map((c) => c.kind)), pgArray(changes.map((c) => c.taskId)), pgArray(changes.map((c) => c.reportId ?? null))],
  );
}

/** A PostgreSQL array literal of ids, kinds or nulls (none of which need quoting). */
function pgArray(values: (string | null)[]): string {
  return `{${values.map((v) => v ?? 'NULL').join(',')}}`;
}
