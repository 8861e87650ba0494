import { toDate } from '../../common/rows.js';

/** One `task_history` row as the read paths hand it to the `TaskHistoryEntry` type. */
export interface TaskHistoryRow {
  id: string;
  kind: string;
  at: Date;
  indicatorId: string | null;
  reason: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  /** The actor's name and unit path, for the resolver to name them only inside the viewer's subtree. */
  actorName: string | null;
  actorUnitPath: string | null;
}

/**
 * The columns of `task_history h` joined to the actor (`account a`, `unit u`), plus `at_key`:
 * `at` to the microsecond, as a cursor needs it (a JavaScript Date keeps only milliseconds).
 */
export const HISTORY_COLUMNS = `h.id::text as id, h.kind, h.at, h.indicator_id, h.reason, h.before, h.after,
  a.display_name as actor_name, u.path as actor_unit_path,
  to_char(h.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at_key`;

export const HISTORY_FROM = `task_history h left join account a on a.id = h.actor_account_id left join unit u on u.id = a.unit_id`;

export function toHistoryRow(r: Record<string, unknown>): TaskHistoryRow {
  return {
    id: r.id as string,
    kind: r.kind as string,
    at: toDate(r.at)!,
    indicatorId: (r.indicator_id as string | null) ?? null,
    reason: (r.reason as string | null) ?? null,
    before: (r.before as Record<string, unknown> | null) ?? null,
    after: (r.after as Record<string, unknown> | null) ?? null,
    actorName: (r.actor_name as string | null) ?? null,
    actorUnitPath: (r.actor_unit_path as string | null) ?? null,
  };
}
