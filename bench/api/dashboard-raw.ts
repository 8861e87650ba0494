/**
 * The committee dashboard's reads in plain SQL through `pg`, statement for statement what
 * AnalyticsService and WarningService run (unit and children, the rollup rows, this month's
 * open tasks by due day, ratings, the warning facts), summed with the same pure functions, served
 * by the bare HTTP baseline of bench/lib/harness.ts: what the dashboard costs without the
 * framework, the ORM and GraphQL.
 */
import type pg from 'pg';
import { addDays, localDay } from '../../server/src/common/dates.js';
import { weekStart } from '../../server/src/modules/analytics/analytics.service.js';
import {
  monthStart,
  subtractRows,
  summarise,
  summariseIndicators,
  type IndicatorRollupRow,
  type OverdueCorrection,
  type TaskRollupRow,
} from '../../server/src/modules/analytics/rollup-math.js';
import { unitScore, type RatingCounts } from '../../server/src/modules/evaluations/score.js';
import { subtreePattern } from '../../server/src/modules/organisations/unit-path.js';
import type { RawContext } from '../lib/harness.js';

interface UnitRow {
  id: string;
  name: string;
  path: string;
}

/** Rollup rows of the paths in $1, one index lookup per path (as the app's `byPaths`). */
const byPaths = (table: string, conditions = '') =>
  `unnest($1::text[]) q(path) cross join lateral (select * from ${table} x where x.unit_path = q.path${conditions} offset 0) r`;

/** Within one request the app reads the target and the children's figures once; so does the baseline. */
const memos = new WeakMap<object, Map<string, Promise<unknown>>>();
function once<T>(scope: object, key: string, load: () => Promise<T>): Promise<T> {
  let memo = memos.get(scope);
  if (!memo) memos.set(scope, (memo = new Map()));
  if (!memo.has(key)) memo.set(key, load());
  return memo.get(key) as Promise<T>;
}

function target(ctx: RawContext): Promise<{ unit: UnitRow; children: UnitRow[] }> {
  return once(ctx, 'target', () => loadTarget(ctx.pool, ctx.viewer.unitId));
}

async function loadTarget(pool: pg.Pool, unitId: string): Promise<{ unit: UnitRow; children: UnitRow[] }> {
  const [{ rows: units }, { rows: children }] = await Promise.all([
    pool.query<UnitRow>(`select id, name, path from unit where id = $1`, [unitId]),
    pool.query<UnitRow>(`select id, name, path from unit where parent_id = $1 order by name, id`, [unitId]),
  ]);
  return { unit: units[0]!, children };
}

async function taskRows(pool: pg.Pool, paths: string[], today: string): Promise<Map<string, TaskRollupRow[]>> {
  const { rows } = await pool.query(
    `select unit_path, kind, coalesce(due_month < $2::date, false) past_due, started, sum(n)::int n, sum(progress_sum)::float8 ps
       from ${byPaths('task_rollup')} group by 1, 2, 3, 4 having sum(n) <> 0`,
    [paths, monthStart(today)],
  );
  const out = new Map<string, TaskRollupRow[]>();
  for (const r of rows) {
    const list = out.get(r.unit_path) ?? [];
    list.push({ kind: r.kind, pastDue: r.past_due, started: r.started, n: r.n, progressSum: r.ps });
    out.set(r.unit_path, list);
  }
  return out;
}

async function indicatorRows(pool: pg.Pool, paths: string[]): Promise<Map<string, IndicatorRollupRow[]>> {
  const { rows } = await pool.query(
    `select unit_path, sum(n)::int n, sum(n_with_value)::int nv, sum(n_achieved)::int na, sum(achievement_sum)::float8 s
       from ${byPaths('indicator_rollup')} group by unit_path`,
    [paths],
  );
  return new Map(rows.map((r) => [r.unit_path, [{ n: r.n, nWithValue: r.nv, nAchieved: r.na, achievementSum: r.s }]]));
}

async function corrections(pool: pg.Pool, paths: string[], today: string): Promise<Map<string, OverdueCorrection>> {
  const out = new Map<string, OverdueCorrection>();
  if (monthStart(today) >= today) return out;
  const { rows } = await pool.query(
    `select unit_path, started, sum(n)::int n, sum(progress_sum)::float8 ps
       from ${byPaths('task_due_rollup', ' and x.due_on >= $2::date and x.due_on < $3::date')} group by 1, 2`,
    [paths, monthStart(today), today],
  );
  for (const r of rows) {
    const c = out.get(r.unit_path) ?? { started: { n: 0, progressSum: 0 }, notStarted: { n: 0, progressSum: 0 } };
    const part = r.started ? c.started : c.notStarted;
    part.n += r.n;
    part.progressSum += r.ps;
    out.set(r.unit_path, c);
  }
  return out;
}

async function summary(ctx: RawContext) {
  const { pool } = ctx;
  const { unit } = await target(ctx);
  const today = localDay();
  const [rows, corr, ind] = await Promise.all([
    taskRows(pool, [unit.path], today),
    corrections(pool, [unit.path], today),
    indicatorRows(pool, [unit.path]),
  ]);
  return {
    ...summarise(rows.get(unit.path) ?? [], corr.get(unit.path)),
    indicators: summariseIndicators(ind.get(unit.path) ?? []),
  };
}

function byChild(ctx: RawContext) {
  return once(ctx, 'children', () => loadByChild(ctx));
}

async function loadByChild(ctx: RawContext) {
  const { pool } = ctx;
  const t = await target(ctx);
  const today = localDay();
  const paths = [t.unit.path, ...t.children.map((c) => c.path)];
  const [rows, corr, ind] = await Promise.all([
    taskRows(pool, paths, today),
    corrections(pool, paths, today),
    indicatorRows(pool, paths),
  ]);
  const out = t.children.map((c) => ({
    own: false,
    unit: { id: c.id, name: c.name },
    summary: summarise(rows.get(c.path) ?? [], corr.get(c.path)),
    indicators: summariseIndicators(ind.get(c.path) ?? []),
  }));
  const own = summarise(
    subtractRows(
      rows.get(t.unit.path) ?? [],
      t.children.flatMap((c) => rows.get(c.path) ?? []),
    ),
  );
  if (own.total > 0)
    out.push({ own: true, unit: { id: t.unit.id, name: t.unit.name }, summary: own, indicators: summariseIndicators([]) });
  return { out, t };
}

async function trend(ctx: RawContext) {
  const { pool } = ctx;
  const { unit } = await target(ctx);
  const from = addDays(weekStart(localDay()), -7 * 11);
  const [{ rows: reports }, { rows: done }] = await Promise.all([
    pool.query(
      `select to_char(week, 'YYYY-MM-DD') week, sum(n)::int n, sum(n_obstacles)::int ob from ${byPaths('report_rollup', ' and week >= $2::date')} group by week`,
      [[unit.path], from],
    ),
    pool.query(
      `select to_char(done_week, 'YYYY-MM-DD') week, kind, sum(n)::int n from ${byPaths('task_rollup', ` and kind in ('ON_TIME', 'LATE') and done_week >= $2::date`)} group by done_week, kind`,
      [[unit.path], from],
    ),
  ]);
  return { reports, done };
}

async function ranking(ctx: RawContext) {
  const [{ out, t }, { rows }] = await Promise.all([
    byChild(ctx),
    ctx.pool.query(`select unit_path, rating, sum(n)::int n from ${byPaths('evaluation_rollup')} group by 1, 2`, [
      (await target(ctx)).children.map((c) => c.path),
    ]),
  ]);
  const ratings = new Map<string, RatingCounts>();
  for (const r of rows) {
    const c = ratings.get(r.unit_path) ?? { doneWell: 0, done: 0, notDone: 0 };
    if (r.rating === 'DONE_WELL') c.doneWell += r.n;
    else if (r.rating === 'DONE') c.done += r.n;
    else c.notDone += r.n;
    ratings.set(r.unit_path, c);
  }
  const pathOf = new Map(t.children.map((c) => [c.id, c.path]));
  return out
    .filter((r) => !r.own)
    .map((r) => ({
      ...r,
      score: unitScore(ratings.get(pathOf.get(r.unit.id)!) ?? { doneWell: 0, done: 0, notDone: 0 }, r.summary.onTimeRate),
    }))
    .sort((a, b) => (b.score.score ?? -1) - (a.score.score ?? -1));
}

async function warnings(ctx: RawContext) {
  const { pool, viewer } = ctx;
  const [{ rows }, { rows: total }] = await Promise.all([
    pool.query<{ task_id: string }>(
      `select wid, kind, severity, task_id, unit_id, to_char(due_key, 'YYYY-MM-DD') due_key, n, oldest from warning_fact w
        where unit_path like $1 and all_res order by w.severity desc, w.due_key, w.wid limit 21`,
      [subtreePattern(viewer.unitPath)],
    ),
    pool.query(`select coalesce(sum(n), 0)::int total from warning_fact_count where unit_path = $1 and res_key is null`, [
      viewer.unitPath,
    ]),
  ]);
  const ids = rows.map((r) => r.task_id);
  const [{ rows: tasks }, { rows: latest }] = await Promise.all([
    pool.query(
      `select id, title, state, due_on, start_on, progress, last_report_at, created_at, lead_unit_id from task where id = any($1::uuid[])`,
      [ids],
    ),
    pool.query(
      `select distinct on (r.task_id) r.task_id, r.state, r.has_obstacles, r.obstacles, r.received_at, r.reviewed_at, r.review_comment
         from progress_report r where r.task_id = any($1::uuid[]) order by r.task_id, r.received_at desc, r.id desc`,
      [ids],
    ),
  ]);
  return { total: total[0], rows, tasks, latest };
}

async function warningCounts(ctx: RawContext) {
  const { pool, viewer } = ctx;
  const { rows } = await pool.query(`select kind, n from warning_fact_count where unit_path = $1 and res_key is null`, [
    viewer.unitPath,
  ]);
  return rows;
}

async function syncHealth(ctx: RawContext) {
  const { pool } = ctx;
  const t = await target(ctx);
  const from = addDays(weekStart(localDay()), -7 * 3);
  const [{ rows: reports }, { rows: devices }] = await Promise.all([
    pool.query(
      `select unit_path, sum(n)::int n, sum(lag_sum_seconds)::float8 lag_sum, max(lag_max_seconds)::float8 lag_max,
              sum(n_lagged)::int lagged, max(last_received_at) last
         from ${byPaths('report_rollup', ' and week >= $2::date')} group by unit_path`,
      [[t.unit.path, ...t.children.map((c) => c.path)], from],
    ),
    pool.query(
      `select q.path g, count(c.unit_path)::int devices,
              max(greatest(coalesce(c.last_pull_at, '-infinity'), coalesce(c.last_push_at, '-infinity'))) last
         from unnest($1::text[]) q(path)
         left join sync_client c on c.unit_path collate "C" >= q.path and c.unit_path collate "C" < q.path || '~'
        group by q.path
       union all
       select '', count(*)::int, max(greatest(coalesce(last_pull_at, '-infinity'), coalesce(last_push_at, '-infinity')))
         from sync_client where unit_path collate "C" = $2`,
      [t.children.map((c) => c.path), t.unit.path],
    ),
  ]);
  return { reports, devices };
}

/** The raw route of each dashboard query, by the bench's name for it. */
export const RAW_PARTS: Record<string, (ctx: RawContext) => Promise<unknown>> = {
  summary,
  'drill-down by child unit': async (ctx) => (await byChild(ctx)).out,
  'trend (12 weeks)': trend,
  'unit ranking': ranking,
  'warnings (first 20)': warnings,
  'warning counts by kind': warningCounts,
  'sync health': syncHealth,
};

/** Every part in one request, as the dashboard asks for them. */
export async function rawWholeDashboard(ctx: RawContext): Promise<unknown> {
  return Promise.all(Object.values(RAW_PARTS).map((part) => part(ctx)));
}
