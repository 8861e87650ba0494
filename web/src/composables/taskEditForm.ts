// The task edit form's rules, as pure functions: who may edit a task on the phone, and what a
// draft must satisfy before it is saved, each failure named by a message key in locales/.
import type { SessionAccount } from '../graphql/documents';
import type { LocalTask, TaskEdit } from '../offline/types';

export type EditField = 'description' | 'responsiblePerson' | 'expectedResult';
export const EDIT_FIELDS: readonly EditField[] = ['description', 'responsiblePerson', 'expectedResult'];

/** The server's limits (server/src/modules/tasks/task.service.ts). */
export const EDIT_LIMITS: Record<EditField, number> = { description: 10_000, responsiblePerson: 255, expectedResult: 10_000 };

export type TaskEditDraft = Record<EditField, string>;

export interface FieldError {
  key: string;
  params?: Record<string, number | string>;
}

export type TaskEditErrors = Partial<Record<EditField | 'form', FieldError>>;

/**
 * Whether this account may edit the task here. The phone holds only tasks led by the account's own
 * unit, and the server lets that unit's FOCAL officers change these fields (canFillInTask in
 * server/src/modules/scope/scope.ts); a REPORTER reports but does not edit. A cancelled task
 * takes no edits.
 */
export function canEditTask(account: Pick<SessionAccount, 'roles'> | null, task: Pick<LocalTask, 'state'> | null): boolean {
  return !!account && !!task && account.roles.includes('FOCAL') && task.state !== 'CANCELLED';
}

export function draftOf(task: LocalTask): TaskEditDraft {
  return {
    description: task.description ?? '',
    responsiblePerson: task.responsiblePerson ?? '',
    expectedResult: task.expectedResult ?? '',
  };
}

/** The fields the draft changes, trimmed, with an emptied field sent as null. */
export function changesOf(draft: TaskEditDraft, task: LocalTask): TaskEdit {
  const changes: TaskEdit = {};
  for (const f of EDIT_FIELDS) {
    const next = draft[f].trim() || null;
    if (next !== (task[f]?.trim() || null)) changes[f] = next;
  }
  return changes;
}

/**
 * Every problem with the draft; an empty object means it can be saved. A person responsible or an
 * expected result once given may not be emptied (a task needs both: the "five clears").
 */
export function validateTaskEdit(draft: TaskEditDraft, task: LocalTask): TaskEditErrors {
  const errors: TaskEditErrors = {};
  for (const f of EDIT_FIELDS) {
    if (draft[f].trim().length > EDIT_LIMITS[f]) errors[f] = { key: 'taskEdit.errors.tooLong', params: { max: EDIT_LIMITS[f] } };
  }
  if (!errors.responsiblePerson && task.responsiblePerson?.trim() && !draft.responsiblePerson.trim())
    errors.responsiblePerson = { key: 'taskEdit.errors.responsibleRequired' };
  if (!errors.expectedResult && task.expectedResult?.trim() && !draft.expectedResult.trim())
    errors.expectedResult = { key: 'taskEdit.errors.expectedRequired' };
  if (!Object.keys(errors).length && !Object.keys(changesOf(draft, task)).length)
    errors.form = { key: 'taskEdit.errors.nothingChanged' };
  return errors;
}
