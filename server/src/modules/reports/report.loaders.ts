import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { groupBy, uuidArray } from '../../common/loaders.js';
import { Attachment } from '../attachments/attachment.entity.js';
import { ProgressReport } from './progress-report.entity.js';
import { ReportIndicatorValue } from './report-indicator-value.entity.js';
import type { ReportState } from './report.enums.js';

export interface ApprovalRow {
  report_id: string;
  level: number;
  decision: ReportState;
  decided_at: Date;
  comment: string | null;
  unit_kind: string;
  unit_path: string;
  unit_name: string;
  waited_hours: number;
}

export function reportLoaders(em: EntityManager) {
  return {
    /** The most recently received report of each task, whatever its review state. */
    latestByTask: new DataLoader<string, ProgressReport | null>(async (taskIds) => {
      const rows = await em
        .getConnection()
        .execute<Record<string, unknown>[]>(
          `select distinct on (task_id) * from progress_report where task_id = any(?::uuid[]) order by task_id, received_at desc, id desc`,
          [uuidArray(taskIds)],
        );
      const reports = rows.map((r) => em.map(ProgressReport, r));
      const byTask = new Map(reports.map((r) => [r.task.id, r]));
      return taskIds.map((id) => byTask.get(id) ?? null);
    }),
    /** The percent of the latest approved report of the same task written before each report. */
    previousApprovedPercent: new DataLoader<string, number | null>(async (reportIds) => {
      const rows = await em.getConnection().execute<{ id: string; percent: number | null }[]>(
        `select r.id, (select p.percent from progress_report p
            where p.task_id = r.task_id and p.state = 'APPROVED' and p.id <> r.id
              and (p.written_at, p.received_at) < (r.written_at, r.received_at)
            order by p.written_at desc, p.received_at desc, p.id desc limit 1) as percent
         from progress_report r where r.id = any(?::uuid[])`,
        [uuidArray(reportIds)],
      );
      const byId = new Map(rows.map((r) => [r.id, r.percent === null ? null : Number(r.percent)]));
      return reportIds.map((id) => byId.get(id) ?? null);
    }),
    /** Every level's decision on each report, first level first. */
    approvals: new DataLoader<string, ApprovalRow[]>(async (reportIds) => {
      const rows = await em.getConnection().execute<ApprovalRow[]>(
        `select a.report_id, a.level, a.decision, a.decided_at, a.comment, u.kind as unit_kind, u.path as unit_path,
                u.name as unit_name, extract(epoch from a.decided_at - a.waited_from)::float8 / 3600 as waited_hours
           from report_approval a join unit u on u.id = a.reviewer_unit_id
          where a.report_id = any(?::uuid[]) order by a.report_id, a.level`,
        [uuidArray(reportIds)],
      );
      return groupBy(reportIds, rows, (a) => a.report_id);
    }),
    attachments: new DataLoader<string, Attachment[]>(async (reportIds) => {
      const rows = await em.find(Attachment, { report: { $in: [...reportIds] } }, { orderBy: { createdAt: 'asc', id: 'asc' } });
      return groupBy(reportIds, rows, (a) => a.report.id);
    }),
    values: new DataLoader<string, ReportIndicatorValue[]>(async (reportIds) => {
      const rows = await em.find(ReportIndicatorValue, { report: { $in: [...reportIds] } });
      return groupBy(reportIds, rows, (v) => v.report.id);
    }),
  };
}
