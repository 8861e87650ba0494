import type { EntityManager } from '@mikro-orm/postgresql';

export interface ChildProgress {
  weight: number;
  progress: number;
}

/**
 * The weighted mean of the children's progress: Σ weight·progress / Σ weight, over children
 * that are not cancelled (the caller leaves those out). No children gives null.
 */
export function weightedRollup(children: ChildProgress[]): number | null {
  const total = children.reduce((s, c) => s + c.weight, 0);
  if (!children.length || total <= 0) return null;
  const value = children.reduce((s, c) => s + c.weight * c.progress, 0) / total;
  // Rounded to 0.01 so 3 × 33.333… rolls up to exactly 100 when all are done.
  return Math.min(100, Math.max(0, Math.round(value * 100) / 100));
}

/**
 * Recomputes the progress, completion and indicator values of `taskId` and of every task above
 * it, in the caller's transaction. A task with live sub-tasks takes their weighted rollup; a
 * task without takes its latest approved report. Reaching 100 completes an open task (on the
 * day the work was reported done); falling below reopens it. Derived fields never bump the
 * task's version, so they never make a person's edit conflict.
 */
export async function recomputeProgress(em: EntityManager, taskId: string): Promise<void> {
  let current: string | null = taskId;
  for (let guard = 0; current && guard < 64; guard++) {
    const children: { weight: number; progress: number; completed_at: Date | null; state: string }[] = await em.execute(
      `select weight, progress, completed_at, state from task where parent_id = ? and state <> 'CANCELLED'`,
      [current],
    );
    let progress: number;
    let doneAt: Date | null;
    if (children.length) {
      progress = weightedRollup(children) ?? 0;
      doneAt =
        progress >= 100
          ? children.reduce<Date | null>((m, c) => (c.completed_at && (!m || c.completed_at > m) ? c.completed_at : m), null)
          : null;
    } else {
      const found: { percent: number; written_at: Date }[] = await em.execute(
        `select percent, written_at from progress_report where task_id = ? and state = 'APPROVED'
          order by written_at desc, received_at desc limit 1`,
        [current],
      );
      const latest = found[0];
      progress = latest?.percent ?? 0;
      doneAt = progress >= 100 ? (latest?.written_at ?? null) : null;
    }
    await em.execute(
      `update indicator i set current_value = (
         select v.value from report_indicator_value v join progress_report r on r.id = v.report_id
          where v.indicator_id = i.id and r.state = 'APPROVED'
          order by r.written_at desc, r.received_at desc limit 1)
        where i.task_id = ?`,
      [current],
    );
    const updated: { parent_id: string | null }[] = await em.execute(
      `update task set progress = ?,
              state = case when state = 'CANCELLED' then state
                           when ? then 'COMPLETED'::task_state else 'OPEN'::task_state end,
              completed_at = case when state = 'CANCELLED' then completed_at
                                  when ? then coalesce(completed_at, ?::timestamptz, now()) else null end
        where id = ? returning parent_id`,
      [progress, progress >= 100, progress >= 100, doneAt, current],
    );
    current = updated[0]?.parent_id ?? null;
  }
}
