import type { EntityManager } from '@mikro-orm/postgresql';
import { subtreePattern } from '../organisations/unit-path.js';
import { TaskStatus } from './task.enums.js';
import type { TaskFilter } from './task.inputs.js';
import { statusSql } from './task-status.js';

/** Statuses `task_rollup` answers exactly; COMPLETED_ON_TIME is not (a completion without a date). */
const ROLLUP_STATUSES = new Set<TaskStatus>([
  TaskStatus.CANCELLED,
  TaskStatus.COMPLETED_LATE,
  TaskStatus.OVERDUE,
  TaskStatus.IN_PROGRESS,
  TaskStatus.NOT_STARTED,
]);
const OPEN_STATUSES = new Set<TaskStatus>([TaskStatus.OVERDUE, TaskStatus.IN_PROGRESS, TaskStatus.NOT_STARTED]);

/**
 * True when the list's total can come from `task_rollup`: the rollups are kept per lead-unit
 * subtree, resolution, kind, due month and started, so only those filters qualify.
 */
export function countableFromRollups(filter: TaskFilter): boolean {
  return (
    !filter.parentId &&
    !filter.rootsOnly &&
    !filter.topOfView &&
    !filter.dueFrom &&
    !filter.dueTo &&
    !filter.search?.trim() &&
    !filter.incompleteOnly &&
    (filter.status ?? []).every((s) => ROLLUP_STATUSES.has(s))
  );
}

const monthStart = (day: string) => `${day.slice(0, 7)}-01`;
function nextMonth(day: string): string {
  const d = new Date(`${monthStart(day)}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + 1);
  return d.toISOString().slice(0, 10);
}

/**
 * The number of tasks led in the subtree of the unit at `path` (the viewer's own or one inside
 * it), of one resolution or all, in the given statuses or all: a few hundred rollup rows instead
 * of every task. Open tasks due this month are counted from `task` itself, since whether they
 * are overdue depends on today; the rollups hold them under this month and are left out for them.
 */
export async function countFromRollups(
  em: EntityManager,
  unit: { id: string; path: string },
  resolutionId: string | null | undefined,
  statuses: TaskStatus[],
  today: string,
): Promise<number> {
  const conn = em.getConnection();
  const month = monthStart(today);
  const wanted = [...new Set(statuses)];
  const kinds: string[] = [];
  const kindParams: string[] = [];
  for (const s of wanted) {
    if (s === TaskStatus.CANCELLED) kinds.push(`x.kind = 'CANCELLED'`);
    else if (s === TaskStatus.COMPLETED_LATE) kinds.push(`x.kind = 'LATE'`);
    else if (s === TaskStatus.OVERDUE) {
      kinds.push(`(x.kind = 'OPEN' and x.due_month < ?::date)`);
      kindParams.push(month);
    } else if (s === TaskStatus.IN_PROGRESS || s === TaskStatus.NOT_STARTED) {
      kinds.push(
        `(x.kind = 'OPEN' and (x.due_month is null or x.due_month > ?::date) and ${s === TaskStatus.IN_PROGRESS ? '' : 'not '}x.started)`,
      );
      kindParams.push(month);
    } else throw new Error(`${s} is not counted from the rollups`);
  }
  const res = resolutionId ? ' and x.resolution_id = ?' : '';
  const cond = kinds.length ? ` and (${kinds.join(' or ')})` : '';
  // The unit's rollup rows cover its whole subtree.
  const rollup = conn.execute<{ n: number }[]>(
    `select coalesce(sum(x.n), 0)::int n from task_rollup x where x.unit_path = ?${res}${cond}`,
    [unit.path, ...(resolutionId ? [resolutionId] : []), ...kindParams],
  );
  const open = wanted.filter((s) => OPEN_STATUSES.has(s));
  const thisMonth = open.length
    ? conn.execute<{ n: number }[]>(
        `select count(*)::int n from task t
          where t.state = 'OPEN' and t.due_on >= ?::date and t.due_on < ?::date and t.lead_unit_path like ?${resolutionId ? ' and t.resolution_id = ?' : ''}
            and (${open.map((s) => `(${statusSql(s, today).sql})`).join(' or ')})`,
        [
          month,
          nextMonth(today),
          subtreePattern(unit.path),
          ...(resolutionId ? [resolutionId] : []),
          ...open.flatMap((s) => statusSql(s, today).params),
        ],
      )
    : Promise.resolve([{ n: 0 }]);
  const [[a], [b]] = await Promise.all([rollup, thisMonth]);
  return a!.n + b!.n;
}
