import type { EntityManager } from '@mikro-orm/postgresql';
import { loadConfig, type WarningThresholds } from '../../config.js';
import { localDay } from '../../common/dates.js';
import { sealAuditEvents } from '../audit/audit.service.js';
import { RECIPIENT_ROLES } from '../notifications/notification.service.js';
import { NotificationKind } from '../notifications/notification.entity.js';
import { recomputeProgress } from '../tasks/task-progress.js';
import type { ChangeKind } from './change-log.js';
import { refreshWarningFacts } from './warning-facts.js';

/** Serialises every applier of derived data, whichever process it runs in. */
export const DERIVED_BATCH_LOCK = 0x5245_5344; // "RESD"

export interface BatchResult {
  changes: number;
  sealed: number;
  /** Seconds from each applied change's commit to this batch, for the lag figures. */
  lags: number[];
  /** Tasks and reviewing units whose warnings the calendar changed (their day had come). */
  swept: number;
}

export interface BatchOptions {
  /** The thresholds the warning facts are computed with (the configured defaults when absent). */
  warnings?: WarningThresholds;
  /** The day in Vietnam the warnings are computed for; today when absent. */
  today?: string;
}

let defaultThresholds: WarningThresholds | undefined;

interface ChangeRow {
  id: string;
  kind: ChangeKind;
  task_id: string;
  report_id: string | null;
  lag: number;
}

/** A uuid[] literal; every id here came from our own rows. */
const uuids = (ids: Iterable<string>) => `{${[...new Set(ids)].join(',')}}`;

/**
 * Applies one batch of the change log in the caller's transaction: takes up to `limit` changes
 * (deleting them, so a rollback puts them back), applies them set-based, folds the rollup deltas
 * and seals pending audit events. Idempotent by construction: a change is applied exactly in the
 * transaction that removes it.
 */
export async function applyBatch(tx: EntityManager, limit: number, options: BatchOptions = {}): Promise<BatchResult> {
  await tx.execute(`select pg_advisory_xact_lock(?)`, [DERIVED_BATCH_LOCK]);
  const changes = await tx.execute<ChangeRow[]>(
    `with taken as (
       delete from derived_change where id in (select id from derived_change order by id limit ?)
       returning id, kind, task_id, report_id, at
     )
     select id, kind, task_id, report_id, extract(epoch from clock_timestamp() - at)::float8 as lag from taken order by id`,
    [limit],
  );
  const of = (kind: ChangeKind) => changes.filter((c) => c.kind === kind);
  const reports = of('REPORT').map((c) => c.report_id!);
  const reviews = of('REVIEW').map((c) => c.report_id!);
  if (reports.length) await applyReports(tx, reports);
  if (reviews.length) await applyReviews(tx, reviews);
  // The levels a reviewed report waited at, and waits at now: their bottlenecks move.
  const reviewUnits = reviews.length
    ? await tx.execute<{ unit_id: string }[]>(
        `select awaiting_unit_id as unit_id from progress_report where id = any(?::uuid[]) and awaiting_unit_id is not null
         union select level_unit_id from report_approval where report_id = any(?::uuid[]) and level_unit_id is not null`,
        [uuids(reviews), uuids(reviews)],
      )
    : [];
  const progress = new Set([...of('PROGRESS').map((c) => c.task_id), ...(await approvedTasks(tx, reviews))]);
  // Deepest first would save work when a batch holds a task and its parent; the tree is shallow.
  for (const taskId of progress) await recomputeProgress(tx, taskId);
  await foldRollupDeltas(tx);
  // The task rows this batch itself changed (progress, last report) logged TASK changes in this
  // transaction: taken back here, they only move those tasks' own warnings.
  const ownTaskChanges = await tx.execute<{ task_id: string }[]>(
    `delete from derived_change
      where id in (select id from derived_change where kind = 'TASK' and xid = pg_current_xact_id() order by id limit ?)
      returning task_id`,
    [limit],
  );
  const others = changes.filter((c) => c.kind !== 'EVALUATION' && c.kind !== 'REPORT').map((c) => c.task_id);
  const swept = await refreshWarningFacts(
    tx,
    {
      tasks: [...of('REPORT').map((c) => c.task_id), ...others, ...ownTaskChanges.map((c) => c.task_id)],
      reviewTasks: others,
      reviewUnits: reviewUnits.map((r) => r.unit_id),
      newReports: reports,
    },
    options.today ?? localDay(),
    options.warnings ?? (defaultThresholds ??= loadConfig({}).warnings),
    limit,
  );
  const sealed = await sealAuditEvents(tx, Math.max(limit * 4, 2000));
  return { changes: changes.length + ownTaskChanges.length, sealed, lags: changes.map((c) => c.lag), swept };
}

/** A batch of new reports: weekly rollups, the tasks' report facts, last report time, reviewers' notices. */
async function applyReports(tx: EntityManager, ids: string[]): Promise<void> {
  const list = uuids(ids);
  await tx.execute(
    `insert into report_rollup as r (unit_path, resolution_id, week, n, n_obstacles, lag_sum_seconds, lag_max_seconds, n_lagged, last_received_at)
     select p, t.resolution_id, date_trunc('week', pr.received_at at time zone 'Asia/Ho_Chi_Minh')::date,
            count(*), count(*) filter (where pr.has_obstacles), sum(l.lag), max(l.lag), count(*) filter (where l.lag > 86400),
            max(pr.received_at)
       from progress_report pr
       join task t on t.id = pr.task_id
       cross join lateral (select greatest(0, extract(epoch from pr.received_at - pr.written_at))::float8 as lag) l
       cross join lateral unnest(rollup_paths(pr.unit_path)) p
      where pr.id = any(?::uuid[])
      group by 1, 2, 3
     on conflict (unit_path, resolution_id, week) do update set
       n = r.n + excluded.n, n_obstacles = r.n_obstacles + excluded.n_obstacles,
       lag_sum_seconds = r.lag_sum_seconds + excluded.lag_sum_seconds,
       lag_max_seconds = greatest(r.lag_max_seconds, excluded.lag_max_seconds),
       n_lagged = r.n_lagged + excluded.n_lagged,
       last_received_at = greatest(r.last_received_at, excluded.last_received_at)`,
    [list],
  );
  // The least-squares sums through (day written, percent) only grow; the latest report wins by
  // (received_at, id), whatever order batches arrive in.
  await tx.execute(
    `with b as (select id, task_id, received_at, written_at, percent, state, has_obstacles
                  from progress_report where id = any(?::uuid[])),
          l as (select distinct on (task_id) task_id, id, received_at, state, has_obstacles
                  from b order by task_id, received_at desc, id desc)
     insert into task_report_state as s (task_id, latest_report_id, latest_received_at, latest_state, latest_has_obstacles,
                                         n, sx, sy, sxx, sxy, min_x, max_x)
     select a.task_id, l.id, l.received_at, l.state, l.has_obstacles, a.n, a.sx, a.sy, a.sxx, a.sxy, a.min_x, a.max_x
       from (select task_id, count(*)::int n, sum(report_x(written_at)) sx, sum(percent) sy, sum(report_x(written_at) ^ 2) sxx,
                    sum(report_x(written_at) * percent) sxy, min(report_x(written_at)) min_x, max(report_x(written_at)) max_x
               from b group by task_id) a
       join l on l.task_id = a.task_id
     on conflict (task_id) do update set
       n = s.n + excluded.n, sx = s.sx + excluded.sx, sy = s.sy + excluded.sy, sxx = s.sxx + excluded.sxx, sxy = s.sxy + excluded.sxy,
       min_x = least(s.min_x, excluded.min_x), max_x = greatest(s.max_x, excluded.max_x),
       latest_report_id = case when (excluded.latest_received_at, excluded.latest_report_id) > (s.latest_received_at, s.latest_report_id)
         then excluded.latest_report_id else s.latest_report_id end,
       latest_state = case when (excluded.latest_received_at, excluded.latest_report_id) > (s.latest_received_at, s.latest_report_id)
         then excluded.latest_state else s.latest_state end,
       latest_has_obstacles = case when (excluded.latest_received_at, excluded.latest_report_id) > (s.latest_received_at, s.latest_report_id)
         then excluded.latest_has_obstacles else s.latest_has_obstacles end,
       latest_received_at = greatest(s.latest_received_at, excluded.latest_received_at)`,
    [list],
  );
  await tx.execute(
    `update task t set last_report_at = m.at
       from (select task_id, max(received_at) at from progress_report where id = any(?::uuid[]) group by task_id) m
      where t.id = m.task_id and (t.last_report_at is null or t.last_report_at < m.at)`,
    [list],
  );
  // The reviewers: leaders of the assigning unit when it is above the reporter, else of the parent unit.
  await tx.execute(
    `insert into notification (id, account_id, kind, task_id, report_id, message, dedupe_key)
     select gen_random_uuid(), a.id, 'REPORT_SUBMITTED', r.task_id, r.id,
            'Báo cáo mới (' || r.percent::text || '%) cho nhiệm vụ «' || t.title || '» chờ duyệt'
              || case when r.flagged_reassigned then ' — nhiệm vụ đã được giao lại' else '' end,
            'submitted:' || r.id
       from progress_report r
       join task t on t.id = r.task_id
       join unit u on u.path = case
              when t.assigner_unit_path <> r.unit_path and starts_with(r.unit_path, t.assigner_unit_path) then t.assigner_unit_path
              else regexp_replace(r.unit_path, '[^/]+/$', '') end
       join account a on a.unit_id = u.id and a.roles && ?::text[] and a.disabled_at is null
      where r.id = any(?::uuid[])
     on conflict do nothing`,
    [`{${RECIPIENT_ROLES[NotificationKind.REPORT_SUBMITTED].join(',')}}`, list],
  );
}

/**
 * A batch of review decisions: the latest state in the tasks' facts, the reporting units' notices
 * of final decisions, and the next level's reviewers' notice of a report approved below them.
 */
async function applyReviews(tx: EntityManager, ids: string[]): Promise<void> {
  const list = uuids(ids);
  await tx.execute(
    `update task_report_state s set latest_state = r.state
       from progress_report r where r.id = any(?::uuid[]) and s.latest_report_id = r.id and s.latest_state <> r.state`,
    [list],
  );
  await tx.execute(
    `insert into notification (id, account_id, kind, task_id, report_id, message, dedupe_key)
     select gen_random_uuid(), a.id, k.kind::notification_kind, r.task_id, r.id,
            case when r.state = 'APPROVED' then 'Báo cáo cho nhiệm vụ «' || t.title || '» đã được duyệt'
                 else 'Báo cáo cho nhiệm vụ «' || t.title || '» bị trả lại: ' || coalesce(r.review_comment, '') end,
            'reviewed:' || r.id
       from progress_report r
       join task t on t.id = r.task_id
       cross join lateral (select case when r.state = 'APPROVED' then 'REPORT_APPROVED' else 'REPORT_RETURNED' end as kind) k
       join lateral (
         select a.id from account a join unit u on u.id = a.unit_id
          where u.path = r.unit_path and a.disabled_at is null
            and a.roles && (case when r.state = 'APPROVED' then ?::text[] else ?::text[] end)
         union
         select a.id from account a where a.id = r.author_id and a.disabled_at is null
       ) a on true
      where r.id = any(?::uuid[]) and r.state in ('APPROVED', 'RETURNED')
     on conflict do nothing`,
    [
      `{${RECIPIENT_ROLES[NotificationKind.REPORT_APPROVED].join(',')}}`,
      `{${RECIPIENT_ROLES[NotificationKind.REPORT_RETURNED].join(',')}}`,
      list,
    ],
  );
  await tx.execute(
    `insert into notification (id, account_id, kind, task_id, report_id, message, dedupe_key)
     select gen_random_uuid(), a.id, 'REPORT_SUBMITTED', r.task_id, r.id,
            'Báo cáo (' || r.percent::text || '%) cho nhiệm vụ «' || t.title || '» đã được duyệt ở cấp '
              || r.approved_levels::text || '/' || r.approval_levels::text || ', chờ cấp trên duyệt',
            'submitted:' || r.id || ':' || r.approved_levels::text
       from progress_report r
       join task t on t.id = r.task_id
       join account a on a.unit_id = r.awaiting_unit_id and a.roles && ?::text[] and a.disabled_at is null
      where r.id = any(?::uuid[]) and r.state = 'SUBMITTED' and r.approved_levels > 0
     on conflict do nothing`,
    [`{${RECIPIENT_ROLES[NotificationKind.REPORT_SUBMITTED].join(',')}}`, list],
  );
}

async function approvedTasks(tx: EntityManager, reviews: string[]): Promise<string[]> {
  if (!reviews.length) return [];
  const rows = await tx.execute<{ task_id: string }[]>(
    `select distinct task_id from progress_report where id = any(?::uuid[]) and state = 'APPROVED'`,
    [uuids(reviews)],
  );
  return rows.map((r) => r.task_id);
}

/** Folds the deltas the task, indicator and evaluation triggers appended into the shared rollup rows. */
async function foldRollupDeltas(tx: EntityManager): Promise<void> {
  await tx.execute(
    `with d as (delete from task_rollup_delta returning *),
     by_month as (
       insert into task_rollup as r (unit_path, resolution_id, kind, due_month, started, done_week, n, progress_sum)
       select unit_path, resolution_id, kind, due_month, started, done_week, sum(n), sum(progress_sum)
         from d group by unit_path, resolution_id, kind, due_month, started, done_week
       on conflict on constraint task_rollup_key
       do update set n = r.n + excluded.n, progress_sum = r.progress_sum + excluded.progress_sum
     )
     insert into task_due_rollup as r (unit_path, resolution_id, due_on, started, n, progress_sum)
     select unit_path, resolution_id, due_on, started, sum(n), sum(progress_sum)
       from d where kind = 'OPEN' and due_on is not null group by unit_path, resolution_id, due_on, started
     on conflict (unit_path, due_on, resolution_id, started)
     do update set n = r.n + excluded.n, progress_sum = r.progress_sum + excluded.progress_sum`,
  );
  await tx.execute(
    `with d as (delete from evaluation_rollup_delta returning *)
     insert into evaluation_rollup as r (unit_path, resolution_id, period, rating, n)
     select unit_path, resolution_id, period, rating, sum(n) from d group by unit_path, resolution_id, period, rating
     on conflict (unit_path, resolution_id, period, rating) do update set n = r.n + excluded.n`,
  );
  await tx.execute(
    `with d as (delete from indicator_rollup_delta returning *)
     insert into indicator_rollup as r (unit_path, resolution_id, n, n_with_value, n_achieved, achievement_sum)
     select unit_path, resolution_id, sum(n), sum(n_with_value), sum(n_achieved), sum(achievement_sum)
       from d group by unit_path, resolution_id
     on conflict (unit_path, resolution_id) do update set
       n = r.n + excluded.n, n_with_value = r.n_with_value + excluded.n_with_value,
       n_achieved = r.n_achieved + excluded.n_achieved, achievement_sum = r.achievement_sum + excluded.achievement_sum`,
  );
}
