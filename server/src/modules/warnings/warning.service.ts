import type { EntityManager } from '@mikro-orm/postgresql';
import type { WarningThresholds } from '../../config.js';
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
import { assertUuid } from '../tasks/task.service.js';
import { describeWarning } from './warning-messages.js';
import {
  reviewBottleneck,
  SEVERITY,
  taskWarnings,
  WarningKind,
  type Finding,
  type LatestReportFacts,
  type TrendPoint,
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
  constructor(private readonly thresholds: WarningThresholds) {}

  /** One page of warnings in a unit's subtree (the viewer's own by default), sortable. */
  async list(
    em: EntityManager,
    viewer: Viewer,
    args: { unitId: string | null; resolutionId: string | null; kinds: WarningKind[] | null; orderBy: WarningOrder },
    page: PageArgs,
  ): Promise<Connection<WarningItem>> {
    const unit = await this.scopeUnit(em, viewer, args.unitId, args.resolutionId);
    const today = localDay();
    const { sql, params } = this.unionSql(unit, args.resolutionId, args.kinds ?? Object.values(WarningKind), today);
    const conn = em.getConnection();
    const [{ n }] = await conn.execute<{ n: number }[]>(`with w as (${sql}) select count(*)::int n from w`, params);
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
    const rows = await conn.execute<Row[]>(
      `with w as (${sql}) select wid, kind, severity, task_id, unit_id, to_char(due_key, 'YYYY-MM-DD') due_key, n, oldest
         from w${after} order by ${key.slice(1, -1)} limit ?`,
      [...params, ...afterParams, page.first + 1],
    );
    const items = await this.hydrate(em, rows, today);
    return toConnection(items, page.first, n, (w) => {
      const row = rows.find((r) => r.wid === w.id)!;
      return byDue ? [row.due_key, -row.severity, row.wid] : [-row.severity, row.due_key, row.wid];
    });
  }

  /** How many warnings of each kind the subtree has. */
  async counts(
    em: EntityManager,
    viewer: Viewer,
    unitId: string | null,
    resolutionId: string | null,
  ): Promise<{ kind: WarningKind; count: number }[]> {
    const unit = await this.scopeUnit(em, viewer, unitId, resolutionId);
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

  /** The union of the selected kinds' rows: (wid, kind, severity, task_id, unit_id, due_key, n, oldest). */
  private unionSql(unit: Unit, resolutionId: string | null, kinds: WarningKind[], today: string) {
    const th = this.thresholds;
    const like = subtreePattern(unit.path);
    const res = resolutionId ? ' and t.resolution_id = ?' : '';
    const resP = resolutionId ? [resolutionId] : [];
    const open = `from task t where t.state = 'OPEN' and t.lead_unit_path like ?${res}`;
    const openP = [like, ...resP];
    const cols = (kind: WarningKind) =>
      `select '${kind}:' || t.id wid, '${kind}'::text kind, ${SEVERITY[kind]} severity, t.id task_id, t.lead_unit_id unit_id,
              coalesce(t.due_on, '9999-12-31'::date) due_key, null::int n, null::timestamptz oldest`;
    const latest = `join lateral (select r.state, r.has_obstacles from progress_report r where r.task_id = t.id
                      order by r.received_at desc, r.id desc limit 1) lr on true`;
    const parts: { sql: string; params: unknown[] }[] = [];
    const want = new Set(kinds);
    if (want.has(WarningKind.OVERDUE))
      parts.push({ sql: `${cols(WarningKind.OVERDUE)} ${open} and t.due_on < ?::date`, params: [...openP, today] });
    if (want.has(WarningKind.DUE_SOON))
      parts.push({
        sql: `${cols(WarningKind.DUE_SOON)} ${open} and t.due_on >= ?::date and t.due_on <= ?::date and t.progress < ?`,
        params: [...openP, today, addDays(today, th.dueSoonDays), th.dueSoonProgress],
      });
    if (want.has(WarningKind.BEHIND_SCHEDULE))
      parts.push({
        sql: `${cols(WarningKind.BEHIND_SCHEDULE)} ${open} and t.start_on < t.due_on and ?::date > t.start_on and ?::date <= t.due_on
               and (?::date - t.start_on)::float8 / (t.due_on - t.start_on) * 100 - t.progress > ?`,
        params: [...openP, today, today, today, th.behindSchedulePoints],
      });
    if (want.has(WarningKind.STALE))
      parts.push({
        sql: `${cols(WarningKind.STALE)} ${open} and ?::date - case when t.last_report_at is not null
                 then (t.last_report_at at time zone ${TZ})::date
                 else greatest((t.created_at at time zone ${TZ})::date, coalesce(t.start_on, (t.created_at at time zone ${TZ})::date)) end >= ?`,
        params: [...openP, today, th.staleDays],
      });
    if (want.has(WarningKind.OBSTACLE))
      parts.push({
        sql: `${cols(WarningKind.OBSTACLE)} ${open.replace('from task t', `from task t ${latest}`)} and lr.has_obstacles`,
        params: openP,
      });
    if (want.has(WarningKind.RETURNED))
      parts.push({
        sql: `${cols(WarningKind.RETURNED)} ${open.replace('from task t', `from task t ${latest}`)} and lr.state = 'RETURNED'`,
        params: openP,
      });
    if (want.has(WarningKind.FORECAST_MISS))
      parts.push({
        sql: `${cols(WarningKind.FORECAST_MISS)} ${open.replace(
          'from task t',
          `from task t join lateral (select regr_slope(r.percent, extract(epoch from r.written_at) / 86400) b,
                  regr_intercept(r.percent, extract(epoch from r.written_at) / 86400) a, count(distinct r.written_at) nd
             from progress_report r where r.task_id = t.id and r.state <> 'RETURNED') f on true`,
        )} and t.due_on >= ?::date and t.progress < 100 and f.nd >= 2
            and (not (f.b > 0) or (to_timestamp(least((100 - f.a) / f.b * 86400, 2.5e11)) at time zone ${TZ})::date > t.due_on)`,
        params: [...openP, today],
      });
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
    if (!parts.length) return { sql: `${cols(WarningKind.OVERDUE)} from task t where false`, params: [] };
    return { sql: parts.map((p) => `(${p.sql})`).join(' union all '), params: parts.flatMap((p) => p.params) };
  }

  /** Loads the page's tasks, units, latest reports and trends in a fixed number of queries. */
  private async hydrate(em: EntityManager, rows: Row[], today: string): Promise<WarningItem[]> {
    if (!rows.length) return [];
    const taskIds = [...new Set(rows.map((r) => r.task_id))];
    const unitIds = [...new Set(rows.map((r) => r.unit_id))];
    const [tasks, units, latest, trend] = await Promise.all([
      em.find(Task, { id: { $in: taskIds } }),
      em.find(Unit, { id: { $in: unitIds } }),
      em.getConnection().execute<(LatestReportFacts & { task_id: string })[]>(
        `select distinct on (r.task_id) r.task_id, r.state, r.has_obstacles "hasObstacles", r.obstacles, r.received_at "receivedAt",
                r.reviewed_at "reviewedAt", r.review_comment "reviewComment"
           from progress_report r where r.task_id = any(?::uuid[]) order by r.task_id, r.received_at desc, r.id desc`,
        [`{${taskIds.join(',')}}`],
      ),
      em.getConnection().execute<{ task_id: string; written_at: Date; percent: number }[]>(
        `select r.task_id, r.written_at, r.percent from progress_report r
          where r.task_id = any(?::uuid[]) and r.state <> 'RETURNED'`,
        [`{${taskIds.join(',')}}`],
      ),
    ]);
    const taskById = new Map(tasks.map((t) => [t.id, t]));
    const unitById = new Map(units.map((u) => [u.id, u]));
    const latestByTask = new Map(
      latest.map((l) => [
        l.task_id,
        {
          ...l,
          state: l.state as ReportState,
          receivedAt: new Date(l.receivedAt),
          reviewedAt: l.reviewedAt ? new Date(l.reviewedAt) : null,
        },
      ]),
    );
    const trendByTask = new Map<string, TrendPoint[]>();
    for (const p of trend) {
      const list = trendByTask.get(p.task_id) ?? [];
      list.push({ writtenAt: new Date(p.written_at), percent: p.percent });
      trendByTask.set(p.task_id, list);
    }
    return rows.map((r) => {
      const task = taskById.get(r.task_id)!;
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
      // The SQL and the rule agree by construction and by test; a disagreement still shows the kind.
      const found: Finding = f ?? { kind: r.kind, severity: r.severity, params: {} };
      return {
        ...found,
        id: r.wid,
        task,
        unit: unitById.get(r.unit_id)!,
        messageVi: describeWarning(found, 'vi'),
        messageEn: describeWarning(found, 'en'),
      };
    });
  }
}
