import { localDay } from '../../common/dates.js';
import type { Task } from './task.entity.js';
import { deriveStatus, missingClears } from './task-status.js';

/**
 * A task as the GraphQL `Task` type shows its own fields, as plain JSON: sent in a CONFLICT's
 * `extensions.current` so the client can show the server's copy beside its own.
 */
export function taskView(task: Task) {
  return {
    id: task.id,
    title: task.title,
    description: task.description ?? null,
    depth: task.depth,
    leadUnitId: task.leadUnit.id,
    assignerUnitId: task.assignerUnit.id,
    parentId: task.parent?.id ?? null,
    responsiblePerson: task.responsiblePerson ?? null,
    expectedResult: task.expectedResult ?? null,
    startOn: task.startOn ?? null,
    dueOn: task.dueOn ?? null,
    priority: task.priority,
    weight: task.weight,
    reportSchedule: task.reportFrequency ? { frequency: task.reportFrequency, dueDays: task.reportDueDays ?? 0 } : null,
    progress: task.progress,
    status: deriveStatus(task, localDay()),
    missingClears: missingClears(task),
    completedAt: task.completedAt?.toISOString() ?? null,
    cancelledAt: task.cancelledAt?.toISOString() ?? null,
    lastReportAt: task.lastReportAt?.toISOString() ?? null,
    version: task.version,
    createdAt: task.createdAt.toISOString(),
    updatedAt: task.updatedAt.toISOString(),
  };
}

/** The editable fields of a task, for history and audit. */
export function taskFields(task: Task): Record<string, unknown> {
  return {
    title: task.title,
    description: task.description ?? null,
    leadUnitId: task.leadUnit.id,
    responsiblePerson: task.responsiblePerson ?? null,
    expectedResult: task.expectedResult ?? null,
    startOn: task.startOn ?? null,
    dueOn: task.dueOn ?? null,
    priority: task.priority,
    weight: task.weight,
    reportFrequency: task.reportFrequency ?? null,
    reportDueDays: task.reportDueDays ?? null,
    state: task.state,
    version: task.version,
  };
}
