import { toDate } from '../../common/rows.js';
import type { IdRef } from '../tasks/task.row.js';
import type { ReportState } from './report.enums.js';

/**
 * A report as the read paths hand it to the `ProgressReport` type's resolvers: plain columns,
 * relations as `{ id }`. A `ProgressReport` entity has the same shape.
 */
export interface ReportRow {
  id: string;
  task: IdRef;
  unit: IdRef;
  unitPath: string;
  author: IdRef;
  percent: number;
  narrative?: string | null;
  hasObstacles: boolean;
  obstacles?: string | null;
  writtenAt: Date;
  receivedAt: Date;
  answersReport?: IdRef | null;
  flaggedReassigned: boolean;
  state: ReportState;
  reviewedBy?: IdRef | null;
  reviewedAt?: Date | null;
  reviewComment?: string | null;
  approvalLevels?: number | null;
  approvedLevels: number;
  awaitingUnit?: IdRef | null;
  periodKey?: string | null;
}

/** The columns of `progress_report` (aliased `alias`) a ReportRow is made of. */
export function reportColumns(alias = 'r'): string {
  return [
    'id',
    'task_id',
    'unit_id',
    'unit_path',
    'author_id',
    'percent',
    'narrative',
    'has_obstacles',
    'obstacles',
    'written_at',
    'received_at',
    'answers_report_id',
    'flagged_reassigned',
    'state',
    'reviewed_by_id',
    'reviewed_at',
    'review_comment',
    'approval_levels',
    'approved_levels',
    'awaiting_unit_id',
    'period_key',
  ]
    .map((c) => `${alias}.${c}`)
    .join(', ');
}

const ref = (v: unknown): IdRef | null => (v ? { id: v as string } : null);

/** A row selected with `reportColumns()` as a ReportRow. */
export function toReportRow(r: Record<string, unknown>): ReportRow {
  return {
    id: r.id as string,
    task: { id: r.task_id as string },
    unit: { id: r.unit_id as string },
    unitPath: r.unit_path as string,
    author: { id: r.author_id as string },
    percent: Number(r.percent),
    narrative: (r.narrative as string | null) ?? null,
    hasObstacles: Boolean(r.has_obstacles),
    obstacles: (r.obstacles as string | null) ?? null,
    writtenAt: toDate(r.written_at)!,
    receivedAt: toDate(r.received_at)!,
    answersReport: ref(r.answers_report_id),
    flaggedReassigned: Boolean(r.flagged_reassigned),
    state: r.state as ReportState,
    reviewedBy: ref(r.reviewed_by_id),
    reviewedAt: toDate(r.reviewed_at),
    reviewComment: (r.review_comment as string | null) ?? null,
    approvalLevels: r.approval_levels === null || r.approval_levels === undefined ? null : Number(r.approval_levels),
    approvedLevels: Number(r.approved_levels ?? 0),
    awaitingUnit: ref(r.awaiting_unit_id),
    periodKey: (r.period_key as string | null) ?? null,
  };
}
