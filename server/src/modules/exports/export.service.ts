import type { EntityManager } from '@mikro-orm/postgresql';
import { BadInputError, NotFoundError } from '../../common/errors.js';
import { localDay } from '../../common/dates.js';
import type { AnalyticsService, UnitSummary } from '../analytics/analytics.service.js';
import type { ComplianceFigures, ComplianceService } from '../analytics/compliance.service.js';
import { periodLabel } from '../warnings/warning-messages.js';
import { Unit } from '../organisations/unit.entity.js';
import { subtreePattern } from '../organisations/unit-path.js';
import { Resolution } from '../resolutions/resolution.entity.js';
import { canSeeUnit, taskScopeSql } from '../scope/scope.js';
import type { Viewer } from '../scope/viewer.js';
import { deriveStatus } from '../tasks/task-status.js';
import { TaskStatus, type TaskState } from '../tasks/task.enums.js';
import { assertUuid } from '../../common/ids.js';
import { label, priorityLabel, statusLabel } from './export-labels.js';
import type { Column, Lang, Table } from './export-table.js';

/** The most rows one export carries; a larger subtree is narrowed by resolution or unit. */
export const MAX_EXPORT_ROWS = 50_000;

export interface ExportArgs {
  unitId?: string | null;
  resolutionId?: string | null;
  lang: Lang;
}

const day = (d: string | null) => (d ? new Date(`${d}T00:00:00Z`) : null);

/** The dashboard tables and task lists as spreadsheets, scoped like every other read. */
export class ExportService {
  constructor(
    private readonly analytics: AnalyticsService,
    private readonly compliance: ComplianceService,
  ) {}

  /** Tasks led in a unit's subtree (the viewer's own by default), soonest due first. */
  async tasksTable(em: EntityManager, viewer: Viewer, args: ExportArgs): Promise<Table> {
    const { unit, resolution } = await this.where(em, viewer, args);
    const scope = taskScopeSql(viewer);
    const rows = await em.getConnection().execute<
      {
        title: string;
        code: string;
        lead: string;
        responsible_person: string | null;
        expected_result: string | null;
        start_on: string | null;
        due_on: string | null;
        state: TaskState;
        progress: number;
        completed_at: Date | null;
        last_report_at: Date | null;
        priority: string;
      }[]
    >(
      `select t.title, r.code, u.name lead, t.responsible_person, t.expected_result, to_char(t.start_on, 'YYYY-MM-DD') start_on,
              to_char(t.due_on, 'YYYY-MM-DD') due_on, t.state, t.progress, t.completed_at, t.last_report_at, t.priority
         from task t join unit u on u.id = t.lead_unit_id join resolution r on r.id = t.resolution_id
        where ${scope.sql} and t.lead_unit_path like ?${resolution ? ' and t.resolution_id = ?' : ''}
        order by t.due_on asc nulls last, t.id limit ?`,
      [...scope.params, subtreePattern(unit.path), ...(resolution ? [resolution.id] : []), MAX_EXPORT_ROWS],
    );
    const l = args.lang;
    const today = localDay();
    const columns: Column[] = [
      { key: 'title', header: label(l, 'title'), width: 48 },
      { key: 'resolution', header: label(l, 'resolution'), width: 14 },
      { key: 'leadUnit', header: label(l, 'leadUnit'), width: 28 },
      { key: 'responsiblePerson', header: label(l, 'responsiblePerson'), width: 22 },
      { key: 'expectedResult', header: label(l, 'expectedResult'), width: 30 },
      { key: 'startOn', header: label(l, 'startOn'), width: 13, numFmt: l === 'vi' ? 'dd/mm/yyyy' : 'yyyy-mm-dd' },
      { key: 'dueOn', header: label(l, 'dueOn'), width: 13, numFmt: l === 'vi' ? 'dd/mm/yyyy' : 'yyyy-mm-dd' },
      { key: 'status', header: label(l, 'status'), width: 20 },
      { key: 'progress', header: label(l, 'progress'), width: 11, numFmt: '0' },
      { key: 'priority', header: label(l, 'priority'), width: 12 },
      {
        key: 'lastReportAt',
        header: label(l, 'lastReportAt'),
        width: 18,
        numFmt: l === 'vi' ? 'dd/mm/yyyy hh:mm' : 'yyyy-mm-dd hh:mm',
      },
    ];
    return {
      sheet: label(l, 'tasksSheet'),
      title: `${label(l, 'tasksTitle')} — ${unit.name} — ${resolution?.code ?? label(l, 'allResolutions')}`,
      columns,
      rows: rows.map((r) => ({
        title: r.title,
        resolution: r.code,
        leadUnit: r.lead,
        responsiblePerson: r.responsible_person,
        expectedResult: r.expected_result,
        startOn: day(r.start_on),
        dueOn: day(r.due_on),
        status: statusLabel(
          l,
          deriveStatus(
            {
              state: r.state,
              dueOn: r.due_on,
              progress: r.progress,
              completedAt: r.completed_at,
              lastReportAt: r.last_report_at,
            },
            today,
          ),
        ),
        progress: Math.round(r.progress),
        priority: priorityLabel(l, r.priority),
        lastReportAt: r.last_report_at ? new Date(r.last_report_at) : null,
      })),
    };
  }

  /** The dashboard's table: one line per child unit (and the unit's own tasks), then the total. */
  async dashboardTable(em: EntityManager, viewer: Viewer, args: ExportArgs): Promise<Table> {
    const { unit, resolution } = await this.where(em, viewer, args);
    const [children, total] = await Promise.all([
      this.analytics.byChild(em, viewer, unit.id, resolution?.id ?? null),
      this.analytics.summary(em, viewer, unit.id, resolution?.id ?? null),
    ]);
    const l = args.lang;
    const columns: Column[] = [
      { key: 'unit', header: label(l, 'unit'), width: 32 },
      { key: 'total', header: label(l, 'total'), width: 10 },
      ...Object.values(TaskStatus).map((s) => ({ key: s, header: statusLabel(l, s), width: 13 })),
      { key: 'completionRate', header: label(l, 'completionRate'), width: 12, numFmt: '0.0%' },
      { key: 'onTimeRate', header: label(l, 'onTimeRate'), width: 12, numFmt: '0.0%' },
      { key: 'averageProgress', header: label(l, 'averageProgress'), width: 12, numFmt: '0.0' },
      { key: 'indicators', header: label(l, 'indicators'), width: 10 },
      { key: 'indicatorsAchieved', header: label(l, 'indicatorsAchieved'), width: 10 },
      { key: 'averageAchievement', header: label(l, 'averageAchievement'), width: 12, numFmt: '0.0%' },
    ];
    const line = (name: string, u: Pick<UnitSummary, 'summary' | 'indicators'>) => ({
      unit: name,
      total: u.summary.total,
      ...u.summary.counts,
      completionRate: u.summary.completionRate,
      onTimeRate: u.summary.onTimeRate,
      averageProgress: u.summary.averageProgress === null ? null : Math.round(u.summary.averageProgress * 10) / 10,
      indicators: u.indicators.count,
      indicatorsAchieved: u.indicators.achieved,
      averageAchievement: u.indicators.averageAchievement,
    });
    return {
      sheet: label(l, 'dashboardSheet'),
      title: `${label(l, 'dashboardTitle')} — ${unit.name} — ${resolution?.code ?? label(l, 'allResolutions')} — ${localDay()}`,
      columns,
      rows: [
        ...children.map((c) => line(c.own ? `${c.unit.name} ${label(l, 'ownTasks')}` : c.unit.name, c)),
        line(label(l, 'sum'), total),
      ],
    };
  }

  /** Reporting compliance: one line per child unit (and own tasks), the total, then every missing or late period. */
  async complianceTable(em: EntityManager, viewer: Viewer, args: ExportArgs): Promise<Table> {
    const { unit, resolution } = await this.where(em, viewer, args);
    const c = await this.compliance.compliance(em, viewer, unit.id, resolution?.id ?? null);
    const l = args.lang;
    const dayFmt = l === 'vi' ? 'dd/mm/yyyy' : 'yyyy-mm-dd';
    const columns: Column[] = [
      { key: 'unit', header: label(l, 'unit'), width: 32 },
      { key: 'due', header: label(l, 'reportsDue'), width: 12 },
      { key: 'onTime', header: label(l, 'reportsOnTime'), width: 12 },
      { key: 'late', header: label(l, 'reportsLate'), width: 12 },
      { key: 'missing', header: label(l, 'reportsMissing'), width: 12 },
      { key: 'onTimeRate', header: label(l, 'onTimeRate'), width: 12, numFmt: '0.0%' },
      { key: 'task', header: label(l, 'title'), width: 40 },
      { key: 'indicator', header: label(l, 'indicator'), width: 32 },
      { key: 'period', header: label(l, 'period'), width: 16 },
      { key: 'periodDueOn', header: label(l, 'reportDueOn'), width: 13, numFmt: dayFmt },
      { key: 'receivedOn', header: label(l, 'receivedOn'), width: 13, numFmt: dayFmt },
      { key: 'status', header: label(l, 'status'), width: 16 },
    ];
    const line = (name: string, f: ComplianceFigures) => ({ unit: name, ...f });
    return {
      sheet: label(l, 'complianceSheet'),
      title: `${label(l, 'complianceTitle')} — ${unit.name} — ${resolution?.code ?? label(l, 'allResolutions')} — ${c.today}`,
      columns,
      rows: [
        ...c.byUnit.map((u) => line(u.own ? `${u.unit.name} ${label(l, 'ownTasks')}` : u.unit.name, u.figures)),
        line(label(l, 'sum'), c.total),
        ...c.problems.map((p) => ({
          unit: p.unit.name,
          task: p.taskTitle,
          indicator: p.indicatorName ?? '',
          status: label(l, p.status === 'MISSING' ? 'reportsMissing' : 'reportsLate'),
          period: periodLabel(p.periodKey, l),
          periodDueOn: day(p.dueOn),
          receivedOn: day(p.receivedOn),
        })),
      ],
    };
  }

  private async where(
    em: EntityManager,
    viewer: Viewer,
    args: ExportArgs,
  ): Promise<{ unit: Unit; resolution: Resolution | null }> {
    if (args.lang !== 'vi' && args.lang !== 'en') throw new BadInputError('lang', 'lang must be vi or en');
    let unit: Unit | null;
    if (args.unitId) {
      assertUuid('unitId', args.unitId);
      unit = await em.findOne(Unit, { id: args.unitId });
      if (!unit || !canSeeUnit(viewer, unit.path)) throw new NotFoundError('Unit', args.unitId);
    } else unit = await em.findOneOrFail(Unit, { id: viewer.unitId });
    let resolution: Resolution | null = null;
    if (args.resolutionId) {
      assertUuid('resolutionId', args.resolutionId);
      resolution = await em.findOne(Resolution, { id: args.resolutionId });
      if (!resolution) throw new NotFoundError('Resolution', args.resolutionId);
    }
    return { unit, resolution };
  }
}
