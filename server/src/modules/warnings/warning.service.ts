import type { EntityManager } from '@mikro-orm/postgresql';
import type { WarningSnapshotSettings, WarningThresholds } from '../../config.js';
import { BadInputError, NotFoundError } from '../../common/errors.js';
import { addDays, localDay } from '../../common/dates.js';
import { decodeCursor, toConnection, type Connection, type PageArgs } from '../../common/pagination.js';
import { Unit } from '../organisations/unit.entity.js';
import { subtreePattern } from '../organisations/unit-path.js';
import type { ReportState } from '../reports/report.enums.js';
import { Resolution } from '../resolutions/resolution.entity.js';
import { canSeeUnit } from '../scope/scope.js';
import type { Viewer } from '../scope/viewer.js';
import { Task } from '../tasks/task.entity.js';
import { TaskState } from '../tasks/task.enums.js';
import { assertUuid } from '../../common/ids.js';
import { describeWarning } from './warning-messages.js';
import {
  reviewBottleneck,
  SEVERITY,
  taskWarnings,
  WarningKind,
  type Finding,
  type LatestReportFacts,
  type TrendPoint,
  MIN_TREND_SPAN_DAYS,
} from './warning-rules.js';

export enum WarningOrder {
  SEVERITY = 'SEVERITY',
  DUE_ON = 'DUE_ON',
}

export interface WarningItem extends Finding {
  id: string;
  task: Task;
  unit: Unit;
  messageVi: string;
  messageEn: string;
}

interface Row {
  wid: string;
  kind: WarningKind;
  severity: number;
  task_id: string;
  unit_id: string;
  due_key: string;
  n: number | null;
  oldest: Date | null;
}

const TZ = `'Asia/Ho_Chi_Minh'`;

/**
 * Warnings over a subtree. Each kind is one SQL select mirroring its rule in warning-rules.ts;
 * the page's rows are then run through the rules themselves for their parameters and words.
 */
export class WarningService {
  constructor(
    private readonly thresholds: WarningThresholds,
    private readonly snapshot: WarningSnapshotSettings = { minTasks: Number.MAX_SAFE_INTEGER, minutes: 10 },
  ) {}

  /** One page of warnings in a unit's subtree (the viewer's own by default), sortable. */
  async list(
    em: EntityManager,
    viewer: Viewer,
    args: { unitId: string | null; resolutionId: string | null; kinds: WarningKind[] | null; orderBy: WarningOrder },
    page: PageArgs,
  ): Promise<Connection<WarningItem>> {
    const unit = await this.scopeUnit(em, viewer, args.unitId, args.resolutionId);
    const today = localDay();
    if (await this.snapshotServes(em, unit)) return this.listFromSnapshot(em, unit, args, page, today);
    const { sql, params } = this.unionSql(unit, args.resolutionId, args.kinds ?? Object.values(WarningKind), today);
    const byDue = args.orderBy === WarningOrder.DUE_ON;
    const key = byDue ? '(due_key, -severity, wid)' : '(-severity, due_key, wid)';
    let after = '';
    const afterParams: unknown[] = [];
    if (page.after) {
      const [a, b, c] = decodeCursor(page.after, 3) as [unknown, unknown, unknown];
      if (typeof c !== 'string') throw new BadInputError('after', 'The cursor is not one this server issued');
      after = byDue ? ` where ${key} > (?::date, ?::int, ?)` : ` where ${key} > (?::int, ?::date, ?)`;
      afterParams.push(a, b, c);
    }
    // One pass: the warnings are computed once, counted, and the page cut from them.
    const rows = await em.getConnection().execute<(Row & { total: number })[]>(
      `with w as materialized (${sql})
       select wid, kind, severity, task_id, unit_id, to_char(due_key, 'YYYY-MM-DD') due_key, n, oldest,
              (select count(*)::int from w) total
         from w${after} order by ${key.slice(1, -1)} limit ?`,
      [...params, ...afterParams, page.first + 1],
    );
    let n = rows[0]?.total;
    if (n === undefined) {
      [{ n }] = await em.getConnection().execute<{ n: number }[]>(`with w as (${sql}) select count(*)::int n from w`, params);
    }
    const items = await this.hydrate(em, rows, today);
    return toConnection(items, page.first, n, (w) => {
      const row = rows.find((r) => r.wid === w.id)!;
      return byDue ? [row.due_key, -row.severity, row.wid] : [-row.severity, row.due_key, row.wid];
    });
  }

  /** When the subtree's warnings were computed: the snapshot's time, or null when they are live. */
  async asOf(em: EntityManager, viewer: Viewer, unitId: string | null, resolutionId: string | null): Promise<Date | null> {
    const unit = await this.scopeUnit(em, viewer, unitId, resolutionId);
    if (!(await this.snapshotServes(em, unit))) return null;
    const [state] = await em
      .getConnection()
      .execute<{ refreshed_at: Date | null }[]>(`select refreshed_at from warning_snapshot_state`);
    return state?.refreshed_at ? new Date(state.refreshed_at) : null;
  }

  /** How many warnings of each kind the subtree has. */
  async counts(
    em: EntityManager,
    viewer: Viewer,
    unitId: string | null,
    resolutionId: string | null,
  ): Promise<{ kind: WarningKind; count: number }[]> {
    const unit = await this.scopeUnit(em, viewer, unitId, resolutionId);
    if (await this.snapshotServes(em, unit)) {
      const rows = await em
        .getConnection()
        .execute<{ kind: WarningKind; n: number }[]>(
          `select kind, n from warning_snapshot_count where unit_path = ? and res_key is not distinct from ?::uuid`,
          [unit.path, resolutionId],
        );
      const byKind = new Map(rows.map((r) => [r.kind, r.n]));
      return Object.values(WarningKind).map((kind) => ({ kind, count: byKind.get(kind) ?? 0 }));
    }
    const { sql, params } = this.unionSql(unit, resolutionId, Object.values(WarningKind), localDay());
    const rows = await em
      .getConnection()
      .execute<{ kind: WarningKind; n: number }[]>(
        `with w as (${sql}) select kind, count(*)::int n from w group by kind`,
        params,
      );
    const byKind = new Map(rows.map((r) => [r.kind, r.n]));
    return Object.values(WarningKind).map((kind) => ({ kind, count: byKind.get(kind) ?? 0 }));
  }

  /**
   * Recomputes every warning in the country into the snapshot, with counts per ancestor unit, in
   * one transaction (readers see the previous snapshot until it commits). Another process
   * refreshing at the same moment makes this call a no-op. Returns the rows written, or null.
   */
  async refreshSnapshot(em: EntityManager): Promise<number | null> {
    const today = localDay();
    return em.fork().transactional(async (tx) => {
      const conn = tx.getConnection();
      const [{ locked }] = await conn.execute<{ locked: boolean }[]>(
        `select pg_try_advisory_xact_lock(hashtext('warning_snapshot')) as locked`,
      );
      if (!locked) return null;
      await conn.execute(`delete from warning_snapshot`);
      const chosen = this.taskConditions(Object.values(WarningKind), today);
      await conn.execute(
        `insert into warning_snapshot (wid, kind, severity, task_id, unit_id, unit_path, res_key, all_res, due_key)
         select k.kind || ':' || t.id, k.kind, k.severity, t.id, t.lead_unit_id, t.lead_unit_path, t.resolution_id, true,
                coalesce(t.due_on, '9999-12-31'::date)
           from task t left join task_report_state s on s.task_id = t.id
          cross join lateral (values ${chosen.map(([k, cond]) => `('${k}'::text, ${SEVERITY[k]}, (${cond}))`).join(', ')}) k(kind, severity, hit)
          where t.state = 'OPEN' and k.hit`,
        chosen.flatMap(([, , p]) => p),
      );
      // A bottleneck over every resolution, and one per resolution for the filtered views.
      const kind = WarningKind.REVIEW_BOTTLENECK;
      await conn.execute(
        `insert into warning_snapshot (wid, kind, severity, task_id, unit_id, unit_path, res_key, all_res, due_key, n, oldest)
         select '${kind}:' || t.assigner_unit_id, '${kind}', ${SEVERITY[kind]},
                (array_agg(r.task_id order by r.received_at, r.id))[1], t.assigner_unit_id, t.assigner_unit_path,
                t.resolution_id, grouping(t.resolution_id) = 1, '9999-12-31'::date, count(*)::int, min(r.received_at)
           from progress_report r join task t on t.id = r.task_id
          where r.state = 'SUBMITTED' and r.received_at < (?::date::timestamp at time zone ${TZ})
          group by grouping sets ((t.assigner_unit_id, t.assigner_unit_path), (t.assigner_unit_id, t.assigner_unit_path, t.resolution_id))`,
        [addDays(today, -this.thresholds.reviewWaitDays)],
      );
      await conn.execute(`delete from warning_snapshot_count`);
      // Every row counts for its unit and each unit above; a task's warning for "all" and its
      // resolution. Grouped per unit first, so the ancestors multiply units, not warnings.
      await conn.execute(
        `insert into warning_snapshot_count (unit_path, res_key, kind, n)
         select a.p, g.res, g.kind, sum(g.n)::int
           from (select w.unit_path, k.res, w.kind, count(*) n
                   from warning_snapshot w
                  cross join lateral (select null::uuid res where w.all_res
                                      union all select w.res_key where w.res_key is not null) k
                  group by 1, 2, 3) g
          cross join lateral (select string_to_array(trim(both '/' from g.unit_path), '/') seg) x
          cross join lateral generate_series(1, cardinality(x.seg)) i
          cross join lateral (select '/' || array_to_string(x.seg[1:i], '/') || '/' p) a
          group by 1, 2, 3`,
      );
      await conn.execute(`delete from warning_snapshot_size`);
      // The root's own rollup row holds only what it leads; its children's rows hold the rest.
      await conn.execute(
        `insert into warning_snapshot_size (unit_path, open_tasks)
         select p, sum(n)::int from (
           select unit_path p, n from task_rollup where kind = 'OPEN'
           union all
           select u.path, r.n from unit u join unit c on c.parent_id = u.id
             join task_rollup r on r.unit_path = c.path and r.kind = 'OPEN'
            where u.parent_id is null
         ) x group by p having sum(n) >= ?`,
        [this.snapshot.minTasks],
      );
      await conn.execute(`update warning_snapshot_state set day = ?::date, refreshed_at = now()`, [today]);
      // Fresh statistics, or the planner misjudges the path filter on a table it has never seen full.
      await conn.execute(`analyze warning_snapshot`);
      const [{ n }] = await conn.execute<{ n: number }[]>(`select count(*)::int n from warning_snapshot`);
      return n;
    });
  }

  /**
   * Subtrees that had at least `minTasks` open tasks at the last refresh read the snapshot;
   * smaller ones, or any before the first refresh, are computed live. Yesterday's snapshot still
   * serves just after midnight (its rows are re-checked against today): a live scan of a nation
   * takes far longer than the wait for the next refresh.
   */
  private async snapshotServes(em: EntityManager, unit: Unit): Promise<boolean> {
    const conn = em.getConnection();
    const [state] = await conn.execute<{ day: string | null }[]>(
      `select to_char(day, 'YYYY-MM-DD') as day from warning_snapshot_state`,
    );
    if (!state?.day) return false;
    const [large] = await conn.execute(`select 1 from warning_snapshot_size where unit_path = ?`, [unit.path]);
    return Boolean(large);
  }

  private async listFromSnapshot(
    em: EntityManager,
    unit: Unit,
    args: { resolutionId: string | null; kinds: WarningKind[] | null; orderBy: WarningOrder },
    page: PageArgs,
    today: string,
  ): Promise<Connection<WarningItem>> {
    const kinds = args.kinds ?? Object.values(WarningKind);
    const byDue = args.orderBy === WarningOrder.DUE_ON;
    const where = [`unit_path like ?`, args.resolutionId ? `res_key = ?` : `all_res`, `kind = any(?::text[])`];
    const params: unknown[] = [
      subtreePattern(unit.path),
      ...(args.resolutionId ? [args.resolutionId] : []),
      `{${kinds.join(',')}}`,
    ];
    if (page.after) {
      const [a, b, c] = decodeCursor(page.after, 3) as [unknown, unknown, unknown];
      if (typeof c !== 'string') throw new BadInputError('after', 'The cursor is not one this server issued');
      const [negSeverity, due] = byDue ? [b, a] : [a, b];
      const severity = -Number(negSeverity);
      if (
        !Number.isInteger(severity) ||
        typeof due !== 'string' ||
        !/^\d{4}-\d{2}-\d{2}$/.test(due) ||
        Number.isNaN(Date.parse(due))
      )
        throw new BadInputError('after', 'The cursor is not one this server issued');
      // Spelled out rather than as a row comparison, so the ordered index serves it.
      where.push(
        byDue
          ? `(due_key > ?::date or (due_key = ?::date and (severity < ? or (severity = ? and wid > ?))))`
          : `(severity < ? or (severity = ? and (due_key > ?::date or (due_key = ?::date and wid > ?))))`,
      );
      params.push(...(byDue ? [due, due, severity, severity, c] : [severity, severity, due, due, c]));
    }
    const rows = await em.getConnection().execute<Row[]>(
      `select wid, kind, severity, task_id, unit_id, to_char(due_key, 'YYYY-MM-DD') due_key, n, oldest
         from warning_snapshot w where ${where.join(' and ')}
        -- w.due_key, not due_key: that would name the formatted output column, which no index holds
        order by ${byDue ? 'w.due_key, w.severity desc, w.wid' : 'w.severity desc, w.due_key, w.wid'} limit ?`,
      [...params, page.first + 1],
    );
    const [{ total }] = await em.getConnection().execute<{ total: number }[]>(
      `select coalesce(sum(n), 0)::int total from warning_snapshot_count
        where unit_path = ? and res_key is not distinct from ?::uuid and kind = any(?::text[])`,
      [unit.path, args.resolutionId, `{${kinds.join(',')}}`],
    );
    // What changed since the snapshot: a warning whose rule no longer holds is left out.
    const items = await this.hydrate(em, rows, today, true);
    return toConnection(items, page.first, total, (w) => {
      const row = rows.find((r) => r.wid === w.id)!;
      return byDue ? [row.due_key, -row.severity, row.wid] : [-row.severity, row.due_key, row.wid];
    });
  }

  private async scopeUnit(em: EntityManager, viewer: Viewer, unitId: string | null, resolutionId: string | null): Promise<Unit> {
    if (resolutionId) {
      assertUuid('resolutionId', resolutionId);
      if (!(await em.findOne(Resolution, { id: resolutionId }))) throw new NotFoundError('Resolution', resolutionId);
    }
    if (!unitId) return em.findOneOrFail(Unit, { id: viewer.unitId });
    assertUuid('unitId', unitId);
    const unit = await em.findOne(Unit, { id: unitId });
    if (!unit || !canSeeUnit(viewer, unit.path)) throw new NotFoundError('Unit', unitId);
    return unit;
  }

  /**
   * The selected kinds' rows: (wid, kind, severity, task_id, unit_id, due_key, n, oldest). Task
   * warnings come from one pass over the subtree's open tasks and their trigger-kept report
   * facts (task_report_state); review bottlenecks from the reports still waiting.
   */
  private unionSql(unit: Unit, resolutionId: string | null, kinds: WarningKind[], today: string) {
    const th = this.thresholds;
    const like = subtreePattern(unit.path);
    const res = resolutionId ? ' and t.resolution_id = ?' : '';
    const resP = resolutionId ? [resolutionId] : [];
    const want = new Set(kinds);
    const taskKinds = kinds.filter((k) => k !== WarningKind.REVIEW_BOTTLENECK);
    const parts: { sql: string; params: unknown[] }[] = [];
    if (taskKinds.length) {
      const chosen = this.taskConditions(taskKinds, today);
      parts.push({
        sql: `select k.kind || ':' || t.id wid, k.kind, k.severity, t.id task_id, t.lead_unit_id unit_id,
                     coalesce(t.due_on, '9999-12-31'::date) due_key, null::int n, null::timestamptz oldest
                from task t left join task_report_state s on s.task_id = t.id
                cross join lateral (values ${chosen.map(([k, cond]) => `('${k}'::text, ${SEVERITY[k]}, (${cond}))`).join(', ')}) k(kind, severity, hit)
               where t.state = 'OPEN' and t.lead_unit_path like ?${res} and k.hit`,
        params: [...chosen.flatMap(([, , p]) => p), like, ...resP],
      });
    }
    if (want.has(WarningKind.REVIEW_BOTTLENECK))
      // Reports wait on the unit that assigned the task; only reviewing units in the subtree count,
      // and only reports waiting longer than the threshold.
      parts.push({
        sql: `select '${WarningKind.REVIEW_BOTTLENECK}:' || q.assigner_unit_id wid, '${WarningKind.REVIEW_BOTTLENECK}'::text kind,
                ${SEVERITY[WarningKind.REVIEW_BOTTLENECK]} severity, q.task_id, q.assigner_unit_id unit_id, '9999-12-31'::date due_key,
                q.n, q.oldest
              from (select t.assigner_unit_id, count(*)::int n, min(r.received_at) oldest,
                      (array_agg(r.task_id order by r.received_at, r.id))[1] task_id
                      from progress_report r join task t on t.id = r.task_id
                     where r.state = 'SUBMITTED' and t.assigner_unit_path like ?${res}
                       and r.received_at < (?::date::timestamp at time zone ${TZ})
                     group by t.assigner_unit_id) q`,
        params: [like, ...resP, addDays(today, -th.reviewWaitDays)],
      });
    if (!parts.length)
      return {
        sql: `select null::text wid, null::text kind, 0 severity, null::uuid task_id, null::uuid unit_id, null::date due_key, null::int n, null::timestamptz oldest where false`,
        params: [],
      };
    return { sql: parts.map((p) => `(${p.sql})`).join(' union all '), params: parts.flatMap((p) => p.params) };
  }

  /** The task kinds' SQL conditions, over task `t` and its report facts `s`; each mirrors its rule in warning-rules.ts. */
  private taskConditions(kinds: WarningKind[], today: string): [WarningKind, string, unknown[]][] {
    const th = this.thresholds;
    const conditions: [WarningKind, string, unknown[]][] = [
      [WarningKind.OVERDUE, `t.due_on < ?::date`, [today]],
      [
        WarningKind.DUE_SOON,
        `t.due_on between ?::date and ?::date and t.progress < ?`,
        [today, addDays(today, th.dueSoonDays), th.dueSoonProgress],
      ],
      [
        WarningKind.BEHIND_SCHEDULE,
        `t.start_on < t.due_on and ?::date > t.start_on and ?::date <= t.due_on
           and (?::date - t.start_on)::float8 / (t.due_on - t.start_on) * 100 - t.progress > ?`,
        [today, today, today, th.behindSchedulePoints],
      ],
      [
        WarningKind.STALE,
        `?::date - case when t.last_report_at is not null then (t.last_report_at at time zone ${TZ})::date
           else greatest((t.created_at at time zone ${TZ})::date, coalesce(t.start_on, (t.created_at at time zone ${TZ})::date)) end >= ?`,
        [today, th.staleDays],
      ],
      [WarningKind.OBSTACLE, `coalesce(s.latest_has_obstacles, false)`, []],
      [WarningKind.RETURNED, `s.latest_state is not distinct from 'RETURNED'`, []],
      [
        WarningKind.FORECAST_MISS,
        `s.n >= 2 and s.max_x - s.min_x >= ? and t.due_on >= ?::date and t.progress < 100
           and (not ((s.n * s.sxy - s.sx * s.sy) / (s.n * s.sxx - s.sx * s.sx) > 0)
                or (100 - (s.sy - (s.n * s.sxy - s.sx * s.sy) / (s.n * s.sxx - s.sx * s.sx) * s.sx) / s.n)
                   / ((s.n * s.sxy - s.sx * s.sy) / (s.n * s.sxx - s.sx * s.sx))
                   >= report_x((t.due_on + 1)::timestamp at time zone ${TZ}))`,
        [MIN_TREND_SPAN_DAYS, today],
      ],
    ];
    return conditions.filter(([k]) => kinds.includes(k));
  }

  /**
   * The task-level warnings of each given task, most severe first, worded by the rules; a fixed
   * number of queries for any number of tasks. The caller has already checked the tasks' scope.
   */
  async forTasks(em: EntityManager, tasks: readonly Task[]): Promise<WarningItem[][]> {
    if (!tasks.length) return [];
    const today = localDay();
    const open = tasks.filter((t) => t.state === TaskState.OPEN);
    const ids = open.map((t) => t.id);
    const [{ latestByTask, trendByTask }, units] = await Promise.all([
      this.reportFacts(em, ids),
      open.length ? em.find(Unit, { id: { $in: [...new Set(open.map((t) => t.leadUnit.id))] } }) : Promise.resolve([]),
    ]);
    const unitById = new Map(units.map((u) => [u.id, u]));
    return tasks.map((task) => {
      if (task.state !== TaskState.OPEN) return [];
      const facts = { ...task, latestReport: latestByTask.get(task.id) ?? null, trend: trendByTask.get(task.id) ?? [] };
      return taskWarnings(facts, today, this.thresholds).map((f) => ({
        ...f,
        id: `${f.kind}:${task.id}`,
        task,
        unit: unitById.get(task.leadUnit.id)!,
        messageVi: describeWarning(f, 'vi'),
        messageEn: describeWarning(f, 'en'),
      }));
    });
  }

  /** Each task's latest report and its reporting trend, in two queries. */
  private async reportFacts(em: EntityManager, taskIds: string[]) {
    const latestByTask = new Map<string, LatestReportFacts>();
    const trendByTask = new Map<string, TrendPoint[]>();
    if (!taskIds.length) return { latestByTask, trendByTask };
    const [latest, trend] = await Promise.all([
      em.getConnection().execute<(LatestReportFacts & { task_id: string })[]>(
        `select distinct on (r.task_id) r.task_id, r.state, r.has_obstacles "hasObstacles", r.obstacles, r.received_at "receivedAt",
                r.reviewed_at "reviewedAt", r.review_comment "reviewComment"
           from progress_report r where r.task_id = any(?::uuid[]) order by r.task_id, r.received_at desc, r.id desc`,
        [`{${taskIds.join(',')}}`],
      ),
      em
        .getConnection()
        .execute<{ task_id: string; written_at: Date; percent: number }[]>(
          `select r.task_id, r.written_at, r.percent from progress_report r where r.task_id = any(?::uuid[])`,
          [`{${taskIds.join(',')}}`],
        ),
    ]);
    for (const l of latest)
      latestByTask.set(l.task_id, {
        ...l,
        state: l.state as ReportState,
        receivedAt: new Date(l.receivedAt),
        reviewedAt: l.reviewedAt ? new Date(l.reviewedAt) : null,
      });
    for (const p of trend) {
      const list = trendByTask.get(p.task_id) ?? [];
      list.push({ writtenAt: new Date(p.written_at), percent: p.percent });
      trendByTask.set(p.task_id, list);
    }
    return { latestByTask, trendByTask };
  }

  /** Loads the page's tasks, units, latest reports and trends in a fixed number of queries. */
  private async hydrate(em: EntityManager, rows: Row[], today: string, dropGone = false): Promise<WarningItem[]> {
    if (!rows.length) return [];
    const taskIds = [...new Set(rows.map((r) => r.task_id))];
    const unitIds = [...new Set(rows.map((r) => r.unit_id))];
    const [tasks, units, { latestByTask, trendByTask }] = await Promise.all([
      em.find(Task, { id: { $in: taskIds } }),
      em.find(Unit, { id: { $in: unitIds } }),
      this.reportFacts(em, taskIds),
    ]);
    const taskById = new Map(tasks.map((t) => [t.id, t]));
    const unitById = new Map(units.map((u) => [u.id, u]));
    const items: WarningItem[] = [];
    for (const r of rows) {
      const task = taskById.get(r.task_id);
      if (!task) continue;
      let f: Finding | undefined;
      if (r.kind === WarningKind.REVIEW_BOTTLENECK) {
        f =
          reviewBottleneck({ waitingReports: r.n ?? 0, oldestReceivedAt: new Date(r.oldest!) }, today, this.thresholds) ??
          undefined;
      } else {
        const facts = {
          ...task,
          latestReport: latestByTask.get(task.id) ?? null,
          trend: trendByTask.get(task.id) ?? [],
        };
        f = taskWarnings(facts, today, this.thresholds).find((x) => x.kind === r.kind);
      }
      if (!f && dropGone) continue;
      // The SQL and the rule agree by construction and by test; a disagreement still shows the kind.
      const found: Finding = f ?? { kind: r.kind, severity: r.severity, params: {} };
      items.push({
        ...found,
        id: r.wid,
        task,
        unit: unitById.get(r.unit_id)!,
        messageVi: describeWarning(found, 'vi'),
        messageEn: describeWarning(found, 'en'),
      });
    }
    return items;
  }
}
