import { TaskState, TaskStatus } from './task.enums.js';
import { localDay } from '../../common/dates.js';

export interface StatusInput {
  state: TaskState;
  dueOn?: string | null;
  progress: number;
  completedAt?: Date | null;
  lastReportAt?: Date | null;
  /** The due date before the first approved extension (null: never extended). */
  originalDueOn?: string | null;
  /** The plan measures completions against the original due date. */
  onTimeOriginal?: boolean;
}

/** The date a completion is measured against (SQL: the generated `task.on_time_due_on`). */
export function onTimeDueOn(task: Pick<StatusInput, 'dueOn' | 'originalDueOn' | 'onTimeOriginal'>): string | null {
  return (task.onTimeOriginal ? (task.originalDueOn ?? task.dueOn) : task.dueOn) ?? null;
}

/** The status people see, derived from the lifecycle, the due date and progress on `today`. */
export function deriveStatus(task: StatusInput, today: string): TaskStatus {
  if (task.state === TaskState.CANCELLED) return TaskStatus.CANCELLED;
  if (task.state === TaskState.COMPLETED) {
    const doneOn = task.completedAt ? localDay(task.completedAt) : today;
    const measured = onTimeDueOn(task);
    return measured && doneOn > measured ? TaskStatus.COMPLETED_LATE : TaskStatus.COMPLETED_ON_TIME;
  }
  if (task.dueOn && today > task.dueOn) return TaskStatus.OVERDUE;
  return task.progress > 0 || task.lastReportAt ? TaskStatus.IN_PROGRESS : TaskStatus.NOT_STARTED;
}

/** The SQL condition on an aliased task table matching one derived status. */
export function statusSql(status: TaskStatus, today: string, t = 't'): { sql: string; params: string[] } {
  const completedOn = `(${t}.completed_at at time zone 'Asia/Ho_Chi_Minh')::date`;
  const notDue = `(${t}.due_on is null or ${t}.due_on >= ?::date)`;
  switch (status) {
    case TaskStatus.CANCELLED:
      return { sql: `${t}.state = 'CANCELLED'`, params: [] };
    case TaskStatus.COMPLETED_ON_TIME:
      return {
        sql: `${t}.state = 'COMPLETED' and (${t}.on_time_due_on is null or ${completedOn} <= ${t}.on_time_due_on)`,
        params: [],
      };
    case TaskStatus.COMPLETED_LATE:
      return { sql: `${t}.state = 'COMPLETED' and ${completedOn} > ${t}.on_time_due_on`, params: [] };
    case TaskStatus.OVERDUE:
      return { sql: `${t}.state = 'OPEN' and ${t}.due_on < ?::date`, params: [today] };
    case TaskStatus.IN_PROGRESS:
      return {
        sql: `${t}.state = 'OPEN' and ${notDue} and (${t}.progress > 0 or ${t}.last_report_at is not null)`,
        params: [today],
      };
    case TaskStatus.NOT_STARTED:
      return { sql: `${t}.state = 'OPEN' and ${notDue} and ${t}.progress = 0 and ${t}.last_report_at is null`, params: [today] };
  }
}

export enum FiveClear {
  TASK = 'TASK',
  PERSON = 'PERSON',
  RESPONSIBILITY = 'RESPONSIBILITY',
  TIME = 'TIME',
  RESULT = 'RESULT',
}

export interface FiveClearsInput {
  title: string;
  description?: string | null;
  responsiblePerson?: string | null;
  leadUnitPath?: string | null;
  dueOn?: string | null;
  expectedResult?: string | null;
}

const filled = (s?: string | null) => !!s && s.trim().length > 0;

/** Which of the "five clears" a task still lacks; empty when the task is complete. */
export function missingClears(task: FiveClearsInput): FiveClear[] {
  const missing: FiveClear[] = [];
  if (!filled(task.title) || !filled(task.description)) missing.push(FiveClear.TASK);
  if (!filled(task.responsiblePerson)) missing.push(FiveClear.PERSON);
  if (!filled(task.leadUnitPath)) missing.push(FiveClear.RESPONSIBILITY);
  if (!filled(task.dueOn)) missing.push(FiveClear.TIME);
  if (!filled(task.expectedResult)) missing.push(FiveClear.RESULT);
  return missing;
}
