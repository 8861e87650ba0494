import type { EntityManager } from '@mikro-orm/postgresql';
import { localDay } from '../../common/dates.js';
import { Unit } from '../organisations/unit.entity.js';
import { subtreePattern } from '../organisations/unit-path.js';
import type { Viewer } from '../scope/viewer.js';
import type { AnalyticsService, UnitRow } from './analytics.service.js';

/** Due reports of a set of periods: on time, late, missing (pending periods are not yet due). */
export interface ComplianceFigures {
  onTime: number;
  late: number;
  missing: number;
  /** onTime + late + missing. */
  due: number;
  /** onTime / due; null when nothing was due. */
  onTimeRate: number | null;
}

export interface UnitCompliance {
  unit: UnitRow;
  own: boolean;
  figures: ComplianceFigures;
}

export enum PeriodReportStatus {
  ON_TIME = 'ON_TIME',
  LATE = 'LATE',
  MISSING = 'MISSING',
}

export interface CompliancePeriod {
  taskId: string;
  taskTitle: string;
  /** The indicator, for a period of its own schedule; null for the task's. */
  indicatorId: string | null;
  indicatorName: string | null;
  unit: Unit;
  periodKey: string;
  dueOn: string;
  /** The day (Vietnam) the first report for the period arrived. */
  receivedOn: string | null;
  status: PeriodReportStatus;
}

export interface ReportingCompliance {
  today: string;
  total: ComplianceFigures;
  byUnit: UnitCompliance[];
  /** The periods of the subtree that went wrong (missing, then late), latest due first. */
  problems: CompliancePeriod[];
}

export const MAX_PROBLEM_PERIODS = 200;

const TZ = `'Asia/Ho_Chi_Minh'`;

interface GroupRow {
  grp: string;
  on_time: number;
  late: number;
  missing: number;
}

function figures(r: Pick<GroupRow, 'on_time' | 'late' | 'missing'> | undefined): ComplianceFigures {
  const onTime = Number(r?.on_time ?? 0);
  const late = Number(r?.late ?? 0);
  const missing = Number(r?.missing ?? 0);
  const due = onTime + late + missing;
  return { onTime, late, missing, due, onTimeRate: due ? onTime / due : null };
}

/**
 * Reporting compliance of scheduled tasks and of indicators with their own schedule (docs/WORKFLOW.md,
 * "Periodic reporting"): for each period whose report is due by today, whether its first report arrived on time, late, or not
 * at all; by child unit for drill-down. Set-based over the subtree's scheduled tasks, with the
 * periods made by `report_periods` (the SQL twin of tasks/report-schedule.ts).
 */
export class ComplianceService {
  constructor(private readonly analytics: AnalyticsService) {}

  /** The compliance of a unit's subtree (the viewer's own by default), by child unit, with the periods that went wrong. */
  async compliance(
    em: EntityManager,
    viewer: Viewer,
    unitId: string | null,
    resolutionId: string | null,
  ): Promise<ReportingCompliance> {
    const target = await this.analytics.target(em, viewer, unitId, resolutionId);
    const today = localDay();
    const res = target.resolutionId ? ' and t.resolution_id = ?' : '';
    // Unit paths are base-36 seqs and slashes: safe inside a regular expression.
    const childOf = `^${target.unit.path}[^/]+/`;
    const span = `coalesce(t.start_on, (t.created_at at time zone ${TZ})::date)`;
    const done = `coalesce((t.completed_at at time zone ${TZ})::date, ?::date)`;
    const where = `t.state <> 'CANCELLED' and t.lead_unit_path like ?${res}`;
    // A task's periods, judged by its reports; then each indicator's own, by the values reports gave it.
    const judged = `
      select t.id as task_id, t.title, null::uuid as indicator_id, null::text as indicator_name, t.lead_unit_id, t.lead_unit_path,
             p.period_key, p.end_on + t.report_due_days as due_on,
             (select (min(r.received_at) at time zone ${TZ})::date from progress_report r
               where r.task_id = t.id and r.period_key = p.period_key) as first_on
        from task t
       cross join lateral report_periods(t.report_frequency, ${span}, least(coalesce(t.due_on, ?::date), ${done}, ?::date)) p
       where t.report_frequency is not null and ${where}
      union all
      select t.id, t.title, i.id, i.name, t.lead_unit_id, t.lead_unit_path, p.period_key, p.end_on + i.report_due_days,
             (select (min(r.received_at) at time zone ${TZ})::date
                from report_indicator_value v join progress_report r on r.id = v.report_id
               where v.indicator_id = i.id and v.period_key = p.period_key)
        from indicator i join task t on t.id = i.task_id
       cross join lateral report_periods(i.report_frequency, ${span}, least(coalesce(i.due_on, t.due_on, ?::date), ${done}, ?::date)) p
       where i.report_frequency is not null and ${where}`;
    const one = [today, today, today, subtreePattern(target.unit.path), ...(target.resolutionId ? [target.resolutionId] : [])];
    const params = [...one, ...one];
    const status = `case when j.first_on is null then 'MISSING' when j.first_on <= j.due_on then 'ON_TIME' else 'LATE' end`;
    const conn = em.getConnection();
    const [groups, problems] = await Promise.all([
      conn.execute<GroupRow[]>(
        `select coalesce(substring(j.lead_unit_path from ?), '') as grp,
                count(*) filter (where j.first_on <= j.due_on)::int as on_time,
                count(*) filter (where j.first_on > j.due_on)::int as late,
                count(*) filter (where j.first_on is null and j.due_on < ?::date)::int as missing
           from (${judged}) j group by 1`,
        [childOf, today, ...params],
      ),
      conn.execute<
        {
          task_id: string;
          title: string;
          indicator_id: string | null;
          indicator_name: string | null;
          lead_unit_id: string;
          period_key: string;
          due_on: string;
          first_on: string | null;
          status: PeriodReportStatus;
        }[]
      >(
        `select j.task_id, j.title, j.indicator_id, j.indicator_name, j.lead_unit_id, j.period_key, to_char(j.due_on, 'YYYY-MM-DD') as due_on,
                to_char(j.first_on, 'YYYY-MM-DD') as first_on, ${status} as status
           from (${judged}) j
          where (j.first_on is null and j.due_on < ?::date) or j.first_on > j.due_on
          order by (j.first_on is null) desc, j.due_on desc, j.task_id, j.indicator_id nulls first limit ?`,
        [...params, today, MAX_PROBLEM_PERIODS],
      ),
    ]);
    const byGroup = new Map(groups.map((g) => [g.grp, g]));
    const byUnit: UnitCompliance[] = target.children.map((c) => ({ unit: c, own: false, figures: figures(byGroup.get(c.path)) }));
    const own = figures(byGroup.get(''));
    if (own.due > 0) byUnit.push({ unit: target.unit, own: true, figures: own });
    const total = figures({
      on_time: groups.reduce((n, g) => n + Number(g.on_time), 0),
      late: groups.reduce((n, g) => n + Number(g.late), 0),
      missing: groups.reduce((n, g) => n + Number(g.missing), 0),
    });
    const unitIds = [...new Set(problems.map((p) => p.lead_unit_id))];
    const units = unitIds.length ? await em.find(Unit, { id: { $in: unitIds } }) : [];
    const unitById = new Map(units.map((u) => [u.id, u]));
    return {
      today,
      total,
      byUnit,
      problems: problems.map((p) => ({
        taskId: p.task_id,
        taskTitle: p.title,
        indicatorId: p.indicator_id,
        indicatorName: p.indicator_name,
        unit: unitById.get(p.lead_unit_id)!,
        periodKey: p.period_key,
        dueOn: p.due_on,
        receivedOn: p.first_on,
        status: p.status,
      })),
    };
  }
}
