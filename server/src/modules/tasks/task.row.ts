import { toDate } from '../../common/rows.js';
import type { ReportFrequency } from './report-schedule.js';
import type { TaskPriority, TaskState } from './task.enums.js';

/** A reference to a row by id, as an entity's `Ref` exposes it. */
export interface IdRef {
  id: string;
}

/**
 * A task as the read paths hand it to the `Task` type's resolvers: plain columns, relations as
 * `{ id }`. A `Task` entity has the same shape, so a mutation's entity and a list's plain row go
 * through the same field resolvers; lists never hydrate entities (nothing on them changes).
 */
export interface TaskRow {
  id: string;
  title: string;
  description?: string | null;
  depth: number;
  responsiblePerson?: string | null;
  expectedResult?: string | null;
  startOn?: string | null;
  dueOn?: string | null;
  priority: TaskPriority;
  state: TaskState;
  weight: number;
  progress: number;
  completedAt?: Date | null;
  cancelledAt?: Date | null;
  lastReportAt?: Date | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  leadUnitPath: string;
  assignerUnitPath: string;
  leadUnit: IdRef;
  assignerUnit: IdRef;
  plan: IdRef;
  resolution: IdRef;
  parent?: IdRef | null;
  originalDueOn?: string | null;
  onTimeOriginal?: boolean;
  reportFrequency?: ReportFrequency | null;
  reportDueDays?: number | null;
  approvalLevels?: number | null;
  externalRef?: string | null;
}

/** The columns of `task` (aliased `alias`) that a TaskRow is made of, dates as text. */
export function taskColumns(alias = 't'): string {
  return [
    'id',
    'title',
    'description',
    'depth',
    'responsible_person',
    'expected_result',
    'start_on::text as start_on',
    'due_on::text as due_on',
    'priority',
    'state',
    'weight',
    'progress',
    'completed_at',
    'cancelled_at',
    'last_report_at',
    'version',
    'created_at',
    'updated_at',
    'lead_unit_path',
    'assigner_unit_path',
    'lead_unit_id',
    'assigner_unit_id',
    'plan_id',
    'resolution_id',
    'parent_id',
    'original_due_on::text as original_due_on',
    'on_time_original',
    'report_frequency',
    'report_due_days',
    'approval_levels',
    'external_ref',
  ]
    .map((c) => `${alias}.${c}`)
    .join(', ');
}

/** A row selected with `taskColumns()` as a TaskRow. */
export function toTaskRow(r: Record<string, unknown>): TaskRow {
  return {
    id: r.id as string,
    title: r.title as string,
    description: (r.description as string | null) ?? null,
    depth: Number(r.depth),
    responsiblePerson: (r.responsible_person as string | null) ?? null,
    expectedResult: (r.expected_result as string | null) ?? null,
    startOn: (r.start_on as string | null) ?? null,
    dueOn: (r.due_on as string | null) ?? null,
    priority: r.priority as TaskPriority,
    state: r.state as TaskState,
    weight: Number(r.weight),
    progress: Number(r.progress),
    completedAt: toDate(r.completed_at),
    cancelledAt: toDate(r.cancelled_at),
    lastReportAt: toDate(r.last_report_at),
    version: Number(r.version),
    createdAt: toDate(r.created_at)!,
    updatedAt: toDate(r.updated_at)!,
    leadUnitPath: r.lead_unit_path as string,
    assignerUnitPath: r.assigner_unit_path as string,
    leadUnit: { id: r.lead_unit_id as string },
    assignerUnit: { id: r.assigner_unit_id as string },
    plan: { id: r.plan_id as string },
    resolution: { id: r.resolution_id as string },
    parent: r.parent_id ? { id: r.parent_id as string } : null,
    originalDueOn: (r.original_due_on as string | null) ?? null,
    onTimeOriginal: Boolean(r.on_time_original),
    reportFrequency: (r.report_frequency as ReportFrequency | null) ?? null,
    reportDueDays: r.report_due_days === null || r.report_due_days === undefined ? null : Number(r.report_due_days),
    approvalLevels: r.approval_levels === null || r.approval_levels === undefined ? null : Number(r.approval_levels),
    externalRef: (r.external_ref as string | null) ?? null,
  };
}
