import type { EntityManager } from '@mikro-orm/postgresql';
import { BadInputError, NotFoundError } from '../../common/errors.js';
import { addDays, localDay } from '../../common/dates.js';
import { subtreePattern } from '../organisations/unit-path.js';
import { canSeeUnit } from '../scope/scope.js';
import type { Viewer } from '../scope/viewer.js';
import { assertUuid } from '../../common/ids.js';
import { unitScore, type RatingCounts, type ScoreParts } from '../evaluations/score.js';
import { assertPeriod } from '../evaluations/task-evaluation.service.js';
import {
  monthStart,
  subtractRows,
  summarise,
  summariseIndicators,
  type IndicatorRollupRow,
  type IndicatorSummary,
  type OverdueCorrection,
  type Summary,
  type TaskRollupRow,
} from './rollup-math.js';

/** A unit as the dashboards return it: the columns of the Unit type, read as a plain row. */
export interface UnitRow {
  id: string;
  code: string;
  name: string;
  kind: string;
  depth: number;
  active: boolean;
  path: string;
  parent: { id: string } | null;
}

export interface UnitSummary {
  unit: UnitRow;
  /** True for the "own tasks" line: tasks led by the unit itself, not by a unit below. */
  own: boolean;
  summary: Summary;
  indicators: IndicatorSummary;
}

export interface TrendPoint {
  weekStart: string;
  reportsReceived: number;
  reportsWithObstacles: number;
  completedOnTime: number;
  completedLate: number;
}

export interface RankedUnit extends UnitSummary {
  rank: number;
  score: ScoreParts;
}

export interface SyncHealthRow {
  unit: UnitRow;
  own: boolean;
  reports: number;
  averageLagHours: number | null;
  maxLagHours: number | null;
  /** Reports that reached the server more than a day after they were written. */
  lateArrivals: number;
  lastReceivedAt: Date | null;
  /** Devices of the unit's subtree that ever synced, and the last time any of them did. */
  devices: number;
  lastSyncAt: Date | null;
}

export interface ApprovalLevelFigures {
  level: number;
  waiting: number;
  decided: number;
  returned: number;
  averageLagHours: number | null;
  maxLagHours: number | null;
}

export interface ApprovalPipeline {
  awaitingFirstLevel: number;
  approvedNotFinal: number;
  levels: ApprovalLevelFigures[];
}

/** Where a dashboard looks: a unit (the viewer's own by default) and a resolution or all. */
export interface Target {
  unit: UnitRow;
  resolutionId: string | null;
  children: UnitRow[];
}

const arr = (xs: readonly string[]) => `{${xs.join(',')}}`;

const memos = new WeakMap<EntityManager, Map<string, Promise<unknown>>>();

/**
 * `load()` once per request (one EntityManager fork) and key: the whole dashboard asks for the
 * target in every field and for the children's figures in both the drill-down and the ranking.
 * A refused load is not kept, so nothing wrong is cached.
 */
function perRequest<T>(em: EntityManager, key: string, load: () => Promise<T>): Promise<T> {
  let memo = memos.get(em);
  if (!memo) memos.set(em, (memo = new Map()));
  let found = memo.get(key) as Promise<T> | undefined;
  if (!found) {
    found = load();
    memo.set(key, found);
    found.catch(() => memo.delete(key));
  }
  return found;
}

/**
 * Rollup rows of the paths bound as one text[] parameter, one index lookup per path: with
 * `unit_path = any(...)` the planner misjudges how many rows a few paths hold and scans the table.
 */
const byPaths = (
  table: 'task_rollup' | 'report_rollup' | 'indicator_rollup' | 'task_due_rollup' | 'evaluation_rollup',
  conditions = '',
) =>
  // offset 0 keeps the subquery from being flattened into a hash join over the whole table.
  `unnest(?::text[]) q(path) cross join lateral (select * from ${table} x where x.unit_path = q.path${conditions} offset 0) r`;

/**
 * The committee dashboards, read from the rollups the derived-data worker keeps (task,
 * task-due, indicator, report and evaluation rollups) so a nation costs about what a commune
 * does: a read of its own and its children's rows, never a scan of their tasks.
 */
export class AnalyticsService {
  /** Counts by status, rates, average progress and indicator achievement for a subtree. */
  async summary(em: EntityManager, viewer: Viewer, unitId: string | null, resolutionId: string | null): Promise<UnitSummary> {
    const target = await this.target(em, viewer, unitId, resolutionId);
    const paths = [target.unit.path];
    const today = localDay();
    const [rows, corr, ind] = await Promise.all([
      this.taskRows(em, paths, target.resolutionId, today),
      this.corrections(em, paths, target.resolutionId, today),
      this.indicatorRows(em, paths, target.resolutionId),
    ]);
    return {
      unit: target.unit,
      own: false,
      summary: summarise(rows.get(target.unit.path) ?? [], corr.get(target.unit.path)),
      indicators: summariseIndicators(ind.get(target.unit.path) ?? []),
    };
  }

  /** The same figures for each child unit (and the unit's own tasks), for drill-down. */
  async byChild(em: EntityManager, viewer: Viewer, unitId: string | null, resolutionId: string | null): Promise<UnitSummary[]> {
    return this.childSummaries(em, await this.target(em, viewer, unitId, resolutionId));
  }

  private childSummaries(em: EntityManager, target: Target): Promise<UnitSummary[]> {
    return perRequest(em, `children|${target.unit.id}|${target.resolutionId ?? ''}`, () => this.loadChildSummaries(em, target));
  }

  private async loadChildSummaries(em: EntityManager, target: Target): Promise<UnitSummary[]> {
    const today = localDay();
    const paths = [target.unit.path, ...target.children.map((c) => c.path)];
    const [rows, corr, ind] = await Promise.all([
      this.taskRows(em, paths, target.resolutionId, today),
      this.corrections(em, paths, target.resolutionId, today),
      this.indicatorRows(em, paths, target.resolutionId),
    ]);
    const out: UnitSummary[] = target.children.map((c) => ({
      unit: c,
      own: false,
      summary: summarise(rows.get(c.path) ?? [], corr.get(c.path)),
      indicators: summariseIndicators(ind.get(c.path) ?? []),
    }));
    // The unit's own tasks: its subtree's rows minus its children's.
    const kids = (m: Map<string, { length: number }>) => target.children.map((c) => c.path).filter((p) => m.has(p));
    const ownRows = subtractRows(
      rows.get(target.unit.path) ?? [],
      kids(rows).flatMap((p) => rows.get(p)!),
    );
    const ownInd = [
      ...(ind.get(target.unit.path) ?? []),
      ...kids(ind)
        .flatMap((p) => ind.get(p)!)
        .map((r) => ({ n: -r.n, nWithValue: -r.nWithValue, nAchieved: -r.nAchieved, achievementSum: -r.achievementSum })),
    ];
    const ownCorr = subtractCorrection(
      corr.get(target.unit.path),
      target.children.map((c) => corr.get(c.path)),
    );
    const own = summarise(ownRows, ownCorr);
    if (own.total > 0) out.push({ unit: target.unit, own: true, summary: own, indicators: summariseIndicators(ownInd) });
    return out;
  }

  /** Week by week (Monday starts, Vietnam time): reports received and tasks completed. */
  async trend(
    em: EntityManager,
    viewer: Viewer,
    unitId: string | null,
    resolutionId: string | null,
    weeks: number,
  ): Promise<TrendPoint[]> {
    if (!Number.isInteger(weeks) || weeks < 1 || weeks > 260) throw new BadInputError('weeks', 'weeks must be between 1 and 260');
    const target = await this.target(em, viewer, unitId, resolutionId);
    const paths = [target.unit.path];
    const today = localDay();
    const thisWeek = weekStart(today);
    const from = addDays(thisWeek, -7 * (weeks - 1));
    const conn = em.getConnection();
    const res = target.resolutionId ? ' and resolution_id = ?' : '';
    const resParam = target.resolutionId ? [target.resolutionId] : [];
    const [reports, done] = await Promise.all([
      conn.execute<{ week: string; n: number; ob: number }[]>(
        `select to_char(week, 'YYYY-MM-DD') week, sum(n)::int n, sum(n_obstacles)::int ob from ${byPaths('report_rollup', ` and week >= ?::date${res}`)} group by week`,
        [arr(paths), from, ...resParam],
      ),
      conn.execute<{ week: string; kind: string; n: number }[]>(
        `select to_char(done_week, 'YYYY-MM-DD') week, kind, sum(n)::int n from ${byPaths('task_rollup', ` and kind in ('ON_TIME', 'LATE') and done_week >= ?::date${res}`)} group by done_week, kind`,
        [arr(paths), from, ...resParam],
      ),
    ]);
    const points = new Map<string, TrendPoint>();
    for (let i = 0; i < weeks; i++) {
      const w = addDays(from, 7 * i);
      points.set(w, { weekStart: w, reportsReceived: 0, reportsWithObstacles: 0, completedOnTime: 0, completedLate: 0 });
    }
    for (const r of reports) {
      const p = points.get(r.week);
      if (p) {
        p.reportsReceived += r.n;
        p.reportsWithObstacles += r.ob;
      }
    }
    for (const r of done) {
      const p = points.get(r.week);
      if (p && r.kind === 'ON_TIME') p.completedOnTime += r.n;
      else if (p) p.completedLate += r.n;
    }
    return [...points.values()];
  }

  /**
   * Child units ranked by score (ratings of their tasks in `period`, or all periods, and their
   * on-time rate), best first; units with no score last, by name.
   */
  async ranking(
    em: EntityManager,
    viewer: Viewer,
    unitId: string | null,
    resolutionId: string | null,
    period: string | null,
  ): Promise<RankedUnit[]> {
    if (period) assertPeriod('period', period);
    const target = await this.target(em, viewer, unitId, resolutionId);
    const [rows, ratings] = await Promise.all([this.childSummaries(em, target), this.ratingCounts(em, target, period)]);
    const ranked = rows
      .filter((r) => !r.own)
      .map((r) => ({ ...r, rank: 0, score: unitScore(ratings.get(r.unit.path) ?? zeroRatings(), r.summary.onTimeRate) }));
    ranked.sort(
      (a, b) =>
        (b.score.score ?? -1) - (a.score.score ?? -1) ||
        (b.summary.completionRate ?? -1) - (a.summary.completionRate ?? -1) ||
        a.unit.name.localeCompare(b.unit.name, 'vi'),
    );
    ranked.forEach((r, i) => (r.rank = i + 1));
    return ranked;
  }

  /** Per child unit: reports received in the last `weeks` weeks and how long they took to arrive. */
  async syncHealth(
    em: EntityManager,
    viewer: Viewer,
    unitId: string | null,
    resolutionId: string | null,
    weeks: number,
  ): Promise<SyncHealthRow[]> {
    if (!Number.isInteger(weeks) || weeks < 1 || weeks > 260) throw new BadInputError('weeks', 'weeks must be between 1 and 260');
    const target = await this.target(em, viewer, unitId, resolutionId);
    const from = addDays(weekStart(localDay()), -7 * (weeks - 1));
    const res = target.resolutionId ? ' and resolution_id = ?' : '';
    const paths = [target.unit.path, ...target.children.map((c) => c.path)];
    const rows = await em
      .getConnection()
      .execute<{ unit_path: string; n: number; lag_sum: number; lag_max: number; lagged: number; last: Date }[]>(
        `select unit_path, sum(n)::int n, sum(lag_sum_seconds)::float8 lag_sum, max(lag_max_seconds)::float8 lag_max,
              sum(n_lagged)::int lagged, max(last_received_at) last
         from ${byPaths('report_rollup', ` and week >= ?::date${res}`)} group by unit_path`,
        [arr(paths), from, ...(target.resolutionId ? [target.resolutionId] : [])],
      );
    const byPath = new Map(rows.map((r) => [r.unit_path, r]));
    // Each child's subtree is one range of the unit_path index (paths hold [0-9a-z/], all below
    // '~' in byte order); the unit's own devices are those on its exact path ('' below).
    const lastSync = `max(greatest(coalesce(c.last_pull_at, '-infinity'), coalesce(c.last_push_at, '-infinity')))`;
    const syncRows = await em.getConnection().execute<{ g: string; devices: number; last: Date | null }[]>(
      `select q.path g, s.devices, s.last from unnest(?::text[]) q(path) cross join lateral (
         select count(*)::int devices, ${lastSync} last from sync_client c
          where c.unit_path collate "C" >= q.path and c.unit_path collate "C" < q.path || '~') s
       union all
       select '', count(*)::int, ${lastSync} from sync_client c where c.unit_path collate "C" = ?`,
      [arr(target.children.map((c) => c.path)), target.unit.path],
    );
    const syncBy = new Map(syncRows.map((r) => [r.g, r]));
    const withSync = (row: Omit<SyncHealthRow, 'devices' | 'lastSyncAt'>, key: string): SyncHealthRow => {
      const s = syncBy.get(key);
      const last = s?.last ? new Date(s.last) : null;
      return { ...row, devices: s?.devices ?? 0, lastSyncAt: last && Number.isFinite(last.getTime()) ? last : null };
    };
    const health = (
      unit: UnitRow,
      own: boolean,
      r?: { n: number; lag_sum: number; lag_max: number; lagged: number; last: Date },
    ) => ({
      unit,
      own,
      reports: r?.n ?? 0,
      averageLagHours: r && r.n > 0 ? r.lag_sum / r.n / 3600 : null,
      maxLagHours: r && r.n > 0 ? r.lag_max / 3600 : null,
      lateArrivals: r?.lagged ?? 0,
      lastReceivedAt: r?.last ? new Date(r.last) : null,
    });
    const out: SyncHealthRow[] = target.children.map((c) => withSync(health(c, false, byPath.get(c.path)), c.path));
    // The unit's own reports: its row minus its children's.
    const self = byPath.get(target.unit.path);
    if (self) {
      const kids = target.children.map((c) => byPath.get(c.path)).filter((r) => r !== undefined);
      const n = self.n - kids.reduce((a, r) => a + r.n, 0);
      if (n > 0) {
        const lagSum = self.lag_sum - kids.reduce((a, r) => a + r.lag_sum, 0);
        out.push(
          withSync(
            {
              unit: target.unit,
              own: true,
              reports: n,
              averageLagHours: lagSum / n / 3600,
              maxLagHours: null,
              lateArrivals: self.lagged - kids.reduce((a, r) => a + r.lagged, 0),
              lastReceivedAt: null,
            },
            '',
          ),
        );
      }
    }
    return out;
  }

  /**
   * Where the reports of a subtree (the unit and below) stand in their approval chains: waiting
   * at each level, approved at a lower level but not yet final, and each level's lag over the
   * decisions of the last 90 days. Read from the reports themselves, which carry their level.
   */
  async approvalPipeline(
    em: EntityManager,
    viewer: Viewer,
    unitId: string | null,
    resolutionId: string | null,
  ): Promise<ApprovalPipeline> {
    const target = await this.target(em, viewer, unitId, resolutionId);
    const pattern = subtreePattern(target.unit.path);
    const byResolution = target.resolutionId
      ? 'and exists (select 1 from task t where t.id = r.task_id and t.resolution_id = ?)'
      : '';
    const res = target.resolutionId ? [target.resolutionId] : [];
    const conn = em.getConnection();
    const [waiting, decided] = await Promise.all([
      conn.execute<{ level: number; n: number }[]>(
        `select r.approved_levels + 1 as level, count(*)::int as n from progress_report r
          where r.state = 'SUBMITTED' and r.unit_path like ? ${byResolution} group by 1`,
        [pattern, ...res],
      ),
      conn.execute<{ level: number; n: number; returned: number; avg_h: number | null; max_h: number | null }[]>(
        `select a.level, count(*)::int as n, count(*) filter (where a.decision = 'RETURNED')::int as returned,
                avg(extract(epoch from a.decided_at - a.waited_from))::float8 / 3600 as avg_h,
                max(extract(epoch from a.decided_at - a.waited_from))::float8 / 3600 as max_h
           from report_approval a join progress_report r on r.id = a.report_id
          where a.decided_at >= now() - interval '90 days' and r.unit_path like ? ${byResolution} group by 1`,
        [pattern, ...res],
      ),
    ]);
    const levels = new Map<number, ApprovalLevelFigures>();
    const at = (level: number) => {
      let l = levels.get(level);
      if (!l) levels.set(level, (l = { level, waiting: 0, decided: 0, returned: 0, averageLagHours: null, maxLagHours: null }));
      return l;
    };
    for (const w of waiting) at(Number(w.level)).waiting = Number(w.n);
    for (const d of decided) {
      const l = at(Number(d.level));
      l.decided = Number(d.n);
      l.returned = Number(d.returned);
      l.averageLagHours = d.avg_h === null ? null : Math.max(0, Number(d.avg_h));
      l.maxLagHours = d.max_h === null ? null : Math.max(0, Number(d.max_h));
    }
    return {
      awaitingFirstLevel: levels.get(1)?.waiting ?? 0,
      approvedNotFinal: waiting.filter((w) => Number(w.level) > 1).reduce((s, w) => s + Number(w.n), 0),
      levels: [...levels.values()].sort((a, b) => a.level - b.level),
    };
  }

  // --- internals -------------------------------------------------------------------------------

  /** The dashboard's unit and children (NOT_FOUND outside the viewer's subtree), looked up once per request. */
  target(em: EntityManager, viewer: Viewer, unitId: string | null, resolutionId: string | null): Promise<Target> {
    return perRequest(em, `target|${viewer.accountId}|${unitId ?? ''}|${resolutionId ?? ''}`, () =>
      this.loadTarget(em, viewer, unitId, resolutionId),
    );
  }

  private async loadTarget(
    em: EntityManager,
    viewer: Viewer,
    unitId: string | null,
    resolutionId: string | null,
  ): Promise<Target> {
    if (unitId != null) assertUuid('unitId', unitId);
    if (resolutionId != null) assertUuid('resolutionId', resolutionId);
    const id = unitId ?? viewer.unitId;
    const conn = em.getConnection();
    // Plain rows: the dashboard changes nothing, and a nation has dozens of children to hydrate.
    const [rows, resolutions] = await Promise.all([
      conn.execute<(Omit<UnitRow, 'parent'> & { parent_id: string | null })[]>(
        `select id, code, name, kind, depth, active, path, parent_id from unit where id = ? or parent_id = ?
          order by id = ? desc, name asc, id asc`,
        [id, id, id],
      ),
      resolutionId ? conn.execute(`select 1 from resolution where id = ?`, [resolutionId]) : Promise.resolve([{}]),
    ]);
    const [unit, ...children] = rows.map(({ parent_id, ...u }) => ({ ...u, parent: parent_id ? { id: parent_id } : null }));
    if (!unit || unit.id !== id || !canSeeUnit(viewer, unit.path)) throw new NotFoundError('Unit', id);
    if (!resolutions.length) throw new NotFoundError('Resolution', resolutionId!);
    return { unit, resolutionId: resolutionId ?? null, children };
  }

  /**
   * Task rollup rows by path, the due months folded in SQL to "before this month" or not: a few
   * rows per path reach the API instead of one per month × week.
   */
  private async taskRows(
    em: EntityManager,
    paths: string[],
    resolutionId: string | null,
    today: string,
  ): Promise<Map<string, TaskRollupRow[]>> {
    const rows = await em
      .getConnection()
      .execute<{ unit_path: string; kind: TaskRollupRow['kind']; past_due: boolean; started: boolean; n: number; ps: number }[]>(
        `select unit_path, kind, coalesce(due_month < ?::date, false) past_due, started, sum(n)::int n, sum(progress_sum)::float8 ps
         from ${byPaths('task_rollup', `${resolutionId ? ' and resolution_id = ?' : ''}`)} group by 1, 2, 3, 4 having sum(n) <> 0`,
        [monthStart(today), arr(paths), ...(resolutionId ? [resolutionId] : [])],
      );
    const out = new Map<string, TaskRollupRow[]>();
    for (const r of rows) {
      const list = out.get(r.unit_path) ?? [];
      list.push({ kind: r.kind, pastDue: r.past_due, started: r.started, n: r.n, progressSum: r.ps });
      out.set(r.unit_path, list);
    }
    return out;
  }

  private async indicatorRows(
    em: EntityManager,
    paths: string[],
    resolutionId: string | null,
  ): Promise<Map<string, IndicatorRollupRow[]>> {
    const rows = await em.getConnection().execute<{ unit_path: string; n: number; nv: number; na: number; s: number }[]>(
      `select unit_path, sum(n)::int n, sum(n_with_value)::int nv, sum(n_achieved)::int na, sum(achievement_sum)::float8 s
         from ${byPaths('indicator_rollup', `${resolutionId ? ' and resolution_id = ?' : ''}`)} group by unit_path`,
      [arr(paths), ...(resolutionId ? [resolutionId] : [])],
    );
    return new Map(rows.map((r) => [r.unit_path, [{ n: r.n, nWithValue: r.nv, nAchieved: r.na, achievementSum: r.s }]]));
  }

  /**
   * Open tasks due this month before today, by path: overdue, though their rollup month is the
   * current one. Read from the per-day rollup, at most a month of rows per path.
   */
  private async corrections(
    em: EntityManager,
    paths: string[],
    resolutionId: string | null,
    today: string,
  ): Promise<Map<string, OverdueCorrection>> {
    const from = monthStart(today);
    const out = new Map<string, OverdueCorrection>();
    if (from >= today) return out;
    const rows = await em.getConnection().execute<{ unit_path: string; started: boolean; n: number; ps: number }[]>(
      `select unit_path, started, sum(n)::int n, sum(progress_sum)::float8 ps
         from ${byPaths('task_due_rollup', ` and x.due_on >= ?::date and x.due_on < ?::date${resolutionId ? ' and x.resolution_id = ?' : ''}`)}
        group by 1, 2`,
      [arr(paths), from, today, ...(resolutionId ? [resolutionId] : [])],
    );
    for (const r of rows) {
      const c = out.get(r.unit_path) ?? zeroCorrection();
      const part = r.started ? c.started : c.notStarted;
      part.n += r.n;
      part.progressSum += r.ps;
      out.set(r.unit_path, c);
    }
    return out;
  }

  /** Ratings per child unit's subtree, from the evaluation rollup. */
  private async ratingCounts(em: EntityManager, t: Target, period: string | null): Promise<Map<string, RatingCounts>> {
    const rows = await em.getConnection().execute<{ unit_path: string; rating: string; n: number }[]>(
      `select unit_path, rating, sum(n)::int n
         from ${byPaths('evaluation_rollup', `${t.resolutionId ? ' and x.resolution_id = ?' : ''}${period ? ' and x.period = ?' : ''}`)}
        group by 1, 2`,
      [arr(t.children.map((c) => c.path)), ...(t.resolutionId ? [t.resolutionId] : []), ...(period ? [period] : [])],
    );
    const out = new Map<string, RatingCounts>();
    for (const r of rows) {
      const c = out.get(r.unit_path) ?? zeroRatings();
      if (r.rating === 'DONE_WELL') c.doneWell += r.n;
      else if (r.rating === 'DONE') c.done += r.n;
      else c.notDone += r.n;
      out.set(r.unit_path, c);
    }
    return out;
  }
}

const zeroRatings = (): RatingCounts => ({ doneWell: 0, done: 0, notDone: 0 });

const zeroCorrection = (): OverdueCorrection => ({ started: { n: 0, progressSum: 0 }, notStarted: { n: 0, progressSum: 0 } });

/** A unit's own open tasks due this month: its subtree's minus its children's. */
function subtractCorrection(self: OverdueCorrection | undefined, children: (OverdueCorrection | undefined)[]): OverdueCorrection {
  const c = zeroCorrection();
  const add = (x: OverdueCorrection | undefined, sign: number) => {
    if (!x) return;
    c.started.n += sign * x.started.n;
    c.started.progressSum += sign * x.started.progressSum;
    c.notStarted.n += sign * x.notStarted.n;
    c.notStarted.progressSum += sign * x.notStarted.progressSum;
  };
  add(self, 1);
  for (const x of children) add(x, -1);
  return c;
}

/** Monday of `day`'s week (PostgreSQL's date_trunc('week')). */
export function weekStart(day: string): string {
  const dow = new Date(`${day}T00:00:00Z`).getUTCDay();
  return addDays(day, -((dow + 6) % 7));
}
