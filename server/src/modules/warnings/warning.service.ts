import type { EntityManager } from '@mikro-orm/postgresql';
import type { WarningThresholds } from '../../config.js';
import { BadInputError, NotFoundError } from '../../common/errors.js';
import { localDay } from '../../common/dates.js';
import { decodeCursor, toConnection, type Connection, type PageArgs } from '../../common/pagination.js';
import { unitRowLoader, type UnitRow } from '../organisations/unit.row.js';
import { subtreePattern } from '../organisations/unit-path.js';
import type { ReportState } from '../reports/report.enums.js';
import { canSeeUnit } from '../scope/scope.js';
import type { Viewer } from '../scope/viewer.js';
import { TaskState } from '../tasks/task.enums.js';
import { taskColumns, toTaskRow, type TaskRow } from '../tasks/task.row.js';
import { uuidArray } from '../../common/loaders.js';
import { assertUuid } from '../../common/ids.js';
import { describeWarning } from './warning-messages.js';
import type { ReportFrequency } from '../tasks/report-schedule.js';
import {
  reviewBottleneck,
  taskWarnings,
  warningId,
  WarningKind,
  type IndicatorScheduleFacts,
  type Finding,
  type LatestReportFacts,
  type PendingExtensionFacts,
  type TrendPoint,
} from './warning-rules.js';

export enum WarningOrder {
  SEVERITY = 'SEVERITY',
  DUE_ON = 'DUE_ON',
}

export interface WarningItem extends Finding {
  id: string;
  task: TaskRow;
  unit: UnitRow;
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

/**
 * Warnings over a subtree, read from the facts the derived-data worker keeps (warning_fact and
 * its per-unit counts); the page's rows are then run through the rules themselves for their
 * parameters and words, and one that no longer holds is left out.
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
         from warning_fact w where ${where.join(' and ')}
        -- w.due_key, not due_key: that would name the formatted output column, which no index holds
        order by ${byDue ? 'w.due_key, w.severity desc, w.wid' : 'w.severity desc, w.due_key, w.wid'} limit ?`,
      [...params, page.first + 1],
    );
    const [{ total }] = await em.getConnection().execute<{ total: number }[]>(
      `select coalesce(sum(n), 0)::int total from warning_fact_count
        where unit_path = ? and res_key is not distinct from ?::uuid and kind = any(?::text[])`,
      [unit.path, args.resolutionId, `{${kinds.join(',')}}`],
    );
    // What changed since the worker's last pass: a warning whose rule no longer holds is left out.
    const items = await this.hydrate(em, rows, localDay());
    return toConnection(items, page.first, total, (w) => {
      const row = rows.find((r) => r.wid === w.id)!;
      return byDue ? [row.due_key, -row.severity, row.wid] : [-row.severity, row.due_key, row.wid];
    });
  }

  /**
   * The time the subtree's warnings are current to: the worker's last pass, or the oldest change
   * it has not applied yet when that is earlier. Null before the worker's first pass.
   */
  async asOf(em: EntityManager, viewer: Viewer, unitId: string | null, resolutionId: string | null): Promise<Date | null> {
    await this.scopeUnit(em, viewer, unitId, resolutionId);
    const [state] = await em.getConnection().execute<{ at: Date | null }[]>(
      `select least(s.current_at, (select at from derived_change order by id limit 1)) as at
         from warning_fact_state s where s.current_at is not null`,
    );
    return state?.at ? new Date(state.at) : null;
  }

  /** How many warnings of each kind the subtree has. */
  async counts(
    em: EntityManager,
    viewer: Viewer,
    unitId: string | null,
    resolutionId: string | null,
  ): Promise<{ kind: WarningKind; count: number }[]> {
    const unit = await this.scopeUnit(em, viewer, unitId, resolutionId);
    const rows = await em
      .getConnection()
      .execute<{ kind: WarningKind; n: number }[]>(
        `select kind, n from warning_fact_count where unit_path = ? and res_key is not distinct from ?::uuid`,
        [unit.path, resolutionId],
      );
    const byKind = new Map(rows.map((r) => [r.kind, r.n]));
    return Object.values(WarningKind).map((kind) => ({ kind, count: byKind.get(kind) ?? 0 }));
  }

  /** The subtree's unit as a plain row (NOT_FOUND outside the viewer's scope); nothing here is changed. */
  private async scopeUnit(
    em: EntityManager,
    viewer: Viewer,
    unitId: string | null,
    resolutionId: string | null,
  ): Promise<{ path: string }> {
    if (unitId) assertUuid('unitId', unitId);
    if (resolutionId) assertUuid('resolutionId', resolutionId);
    const conn = em.getConnection();
    const [units, resolutions] = await Promise.all([
      conn.execute<{ path: string }[]>(`select path from unit where id = ?`, [unitId ?? viewer.unitId]),
      resolutionId ? conn.execute(`select 1 from resolution where id = ?`, [resolutionId]) : Promise.resolve([{}]),
    ]);
    if (!resolutions.length) throw new NotFoundError('Resolution', resolutionId!);
    const [unit] = units;
    if (!unit || (unitId && !canSeeUnit(viewer, unit.path))) throw new NotFoundError('Unit', unitId ?? viewer.unitId);
    return unit;
  }

  /**
   * The task-level warnings of each given task, most severe first, worded by the rules; a fixed
   * number of queries for any number of tasks. The caller has already checked the tasks' scope.
   */
  async forTasks(em: EntityManager, tasks: readonly TaskRow[]): Promise<WarningItem[][]> {
    if (!tasks.length) return [];
    const today = localDay();
    const open = tasks.filter((t) => t.state === TaskState.OPEN);
    const ids = open.map((t) => t.id);
    const [{ latestByTask, trendByTask, pendingByTask, periodsByTask, indicatorsByTask }, units] = await Promise.all([
      this.reportFacts(em, ids),
      unitRows(
        em,
        open.map((t) => t.leadUnit.id),
      ),
    ]);
    return tasks.map((task) => {
      if (task.state !== TaskState.OPEN) return [];
      const facts = {
        ...task,
        latestReport: latestByTask.get(task.id) ?? null,
        trend: trendByTask.get(task.id) ?? [],
        pendingExtension: pendingByTask.get(task.id) ?? null,
        reportedPeriods: periodsByTask.get(task.id),
        scheduledIndicators: indicatorsByTask.get(task.id),
      };
      return taskWarnings(facts, today, this.thresholds).map((f) => ({
        ...f,
        id: warningId(f, task.id),
        task,
        unit: units.get(task.leadUnit.id)!,
        messageVi: describeWarning(f, 'vi'),
        messageEn: describeWarning(f, 'en'),
      }));
    });
  }

  /**
   * Each task's latest report, its reporting trend, the periods reported on, its pending extension
   * request and its scheduled indicators with the periods they were given values for, in four queries.
   */
  private async reportFacts(em: EntityManager, taskIds: string[]) {
    const latestByTask = new Map<string, LatestReportFacts>();
    const trendByTask = new Map<string, TrendPoint[]>();
    const pendingByTask = new Map<string, PendingExtensionFacts>();
    const periodsByTask = new Map<string, Set<string>>();
    const indicatorsByTask = new Map<string, IndicatorScheduleFacts[]>();
    if (!taskIds.length) return { latestByTask, trendByTask, pendingByTask, periodsByTask, indicatorsByTask };
    const [latest, trend, pending, indicators] = await Promise.all([
      em.getConnection().execute<(LatestReportFacts & { task_id: string })[]>(
        `select distinct on (r.task_id) r.task_id, r.state, r.has_obstacles "hasObstacles", r.obstacles, r.received_at "receivedAt",
                r.reviewed_at "reviewedAt", r.review_comment "reviewComment"
           from progress_report r where r.task_id = any(?::uuid[]) order by r.task_id, r.received_at desc, r.id desc`,
        [`{${taskIds.join(',')}}`],
      ),
      em
        .getConnection()
        .execute<{ task_id: string; written_at: Date; percent: number; period_key: string | null }[]>(
          `select r.task_id, r.written_at, r.percent, r.period_key from progress_report r where r.task_id = any(?::uuid[])`,
          [`{${taskIds.join(',')}}`],
        ),
      em.getConnection().execute<{ task_id: string; requested_at: Date; requested_due_on: string }[]>(
        `select e.task_id, e.requested_at, to_char(e.requested_due_on, 'YYYY-MM-DD') as requested_due_on
             from task_extension_request e where e.state = 'PENDING' and e.task_id = any(?::uuid[])`,
        [`{${taskIds.join(',')}}`],
      ),
      em.getConnection().execute<
        {
          id: string;
          task_id: string;
          name: string;
          report_frequency: ReportFrequency;
          report_due_days: number;
          due_on: string | null;
          periods: string[];
        }[]
      >(
        `select i.id, i.task_id, i.name, i.report_frequency, i.report_due_days, to_char(i.due_on, 'YYYY-MM-DD') as due_on,
                array(select distinct v.period_key from report_indicator_value v
                       where v.indicator_id = i.id and v.period_key is not null) as periods
           from indicator i where i.report_frequency is not null and i.task_id = any(?::uuid[]) order by i.created_at, i.id`,
        [`{${taskIds.join(',')}}`],
      ),
    ]);
    for (const i of indicators) {
      const list = indicatorsByTask.get(i.task_id) ?? [];
      list.push({
        id: i.id,
        name: i.name,
        reportFrequency: i.report_frequency,
        reportDueDays: Number(i.report_due_days),
        dueOn: i.due_on,
        reportedPeriods: new Set(i.periods),
      });
      indicatorsByTask.set(i.task_id, list);
    }
    for (const e of pending)
      pendingByTask.set(e.task_id, { requestedAt: new Date(e.requested_at), requestedDueOn: e.requested_due_on });
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
      if (p.period_key) {
        const periods = periodsByTask.get(p.task_id) ?? new Set<string>();
        periods.add(p.period_key);
        periodsByTask.set(p.task_id, periods);
      }
    }
    return { latestByTask, trendByTask, pendingByTask, periodsByTask, indicatorsByTask };
  }

  /** Loads the page's tasks, units, latest reports and trends in a fixed number of queries. */
  private async hydrate(em: EntityManager, rows: Row[], today: string): Promise<WarningItem[]> {
    if (!rows.length) return [];
    const taskIds = [...new Set(rows.map((r) => r.task_id))];
    const unitIds = [...new Set(rows.map((r) => r.unit_id))];
    const [tasks, unitById, { latestByTask, trendByTask, pendingByTask, periodsByTask, indicatorsByTask }] = await Promise.all([
      em
        .getConnection()
        .execute<Record<string, unknown>[]>(`select ${taskColumns('t')} from task t where t.id = any(?::uuid[])`, [
          uuidArray(taskIds),
        ]),
      unitRows(em, unitIds),
      this.reportFacts(em, taskIds),
    ]);
    const taskById = new Map(tasks.map((r) => [r.id as string, toTaskRow(r)]));
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
          pendingExtension: pendingByTask.get(task.id) ?? null,
          reportedPeriods: periodsByTask.get(task.id),
          scheduledIndicators: indicatorsByTask.get(task.id),
        };
        f = taskWarnings(facts, today, this.thresholds).find((x) => warningId(x, task.id) === r.wid);
      }
      if (!f) continue;
      const found: Finding = f;
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

/** Units by id as plain rows, keyed by id. */
async function unitRows(em: EntityManager, ids: string[]): Promise<Map<string, UnitRow>> {
  if (!ids.length) return new Map();
  const rows = await unitRowLoader(em).loadMany([...new Set(ids)]);
  return new Map(rows.filter((u): u is UnitRow => !!u && !(u instanceof Error)).map((u) => [u.id, u]));
}
