import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { groupBy, uuidArray } from '../../common/loaders.js';
import { reportColumns, toReportRow, type ReportRow } from './report.row.js';
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

/** An evidence file of a report, as the `Attachment` type shows it. */
export interface AttachmentRow {
  id: string;
  reportId: string;
  fileName: string;
  contentType: string;
  sha256: string;
  size: number;
  receivedBytes: number;
  status: string;
}

/** Reads only: every loader selects plain rows, nothing is hydrated. */
export function reportLoaders(em: EntityManager) {
  const conn = () => em.getConnection();
  return {
    /** The most recently received report of each task, whatever its review state. */
    latestByTask: new DataLoader<string, ReportRow | null>(async (taskIds) => {
      const rows = await conn().execute<Record<string, unknown>[]>(
        `select distinct on (r.task_id) ${reportColumns('r')} from progress_report r
          where r.task_id = any(?::uuid[]) order by r.task_id, r.received_at desc, r.id desc`,
        [uuidArray(taskIds)],
      );
      const byTask = new Map(rows.map((r) => [r.task_id as string, toReportRow(r)]));
      return taskIds.map((id) => byTask.get(id) ?? null);
    }),
    /** The percent of the latest approved report of the same task written before each report. */
    previousApprovedPercent: new DataLoader<string, number | null>(async (reportIds) => {
      const rows = await conn().execute<{ id: string; percent: number | null }[]>(
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
      const rows = await conn().execute<ApprovalRow[]>(
        `select a.report_id, a.level, a.decision, a.decided_at, a.comment, u.kind as unit_kind, u.path as unit_path,
                u.name as unit_name, extract(epoch from a.decided_at - a.waited_from)::float8 / 3600 as waited_hours
           from report_approval a join unit u on u.id = a.reviewer_unit_id
          where a.report_id = any(?::uuid[]) order by a.report_id, a.level`,
        [uuidArray(reportIds)],
      );
      return groupBy(reportIds, rows, (a) => a.report_id);
    }),
    attachments: new DataLoader<string, AttachmentRow[]>(async (reportIds) => {
      const rows = await conn().execute<Record<string, unknown>[]>(
        `select a.id, a.report_id, a.file_name, a.content_type, a.sha256, a.size, a.received_bytes, a.status
           from attachment a where a.report_id = any(?::uuid[]) order by a.created_at, a.id`,
        [uuidArray(reportIds)],
      );
      const list = rows.map((a) => ({
        id: a.id as string,
        reportId: a.report_id as string,
        fileName: a.file_name as string,
        contentType: a.content_type as string,
        sha256: a.sha256 as string,
        size: Number(a.size),
        receivedBytes: Number(a.received_bytes),
        status: a.status as string,
      }));
      return groupBy(reportIds, list, (a) => a.reportId);
    }),
    values: new DataLoader<string, { reportId: string; indicatorId: string; value: number; periodKey: string | null }[]>(
      async (reportIds) => {
        const rows = await conn().execute<
          { report_id: string; indicator_id: string; value: number; period_key: string | null }[]
        >(
          'select v.report_id, v.indicator_id, v.value, v.period_key from report_indicator_value v where v.report_id = any(?::uuid[])',
          [uuidArray(reportIds)],
        );
        const list = rows.map((v) => ({
          reportId: v.report_id,
          indicatorId: v.indicator_id,
          value: Number(v.value),
          periodKey: v.period_key ?? null,
        }));
        return groupBy(reportIds, list, (v) => v.reportId);
      },
    ),
  };
}
