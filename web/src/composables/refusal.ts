// Why the server refused an outbox entry, in the person's language. The server answers a REJECTED
// entry with a stable code and, for bad input, the field at fault (server/src/modules/sync,
// reports and tasks services); its English `reason` is kept only as a secondary detail.
import type { OutboxKind } from '../offline/types';

export interface RefusalMessage {
  /** A key of the `refusal` section of locales/. */
  key: string;
}

/** What the server's BAD_USER_INPUT field means for a report. */
const REPORT_FIELDS: Record<string, string> = {
  percent: 'refusal.percent',
  values: 'refusal.values',
  narrative: 'refusal.narrative',
  obstacles: 'refusal.obstacles',
  writtenAt: 'refusal.writtenAt',
  answersReportId: 'refusal.answersReportId',
  attachments: 'refusal.attachments',
  // The task id itself was checked before: the only refusal left on it is a cancelled task.
  taskId: 'refusal.cancelled',
};

/** What the server's BAD_USER_INPUT field means for a task edit. */
const TASK_FIELDS: Record<string, string> = {
  description: 'refusal.description',
  responsiblePerson: 'refusal.responsiblePerson',
  expectedResult: 'refusal.expectedResult',
};

/** What the server's BAD_USER_INPUT field means for a request for more time. */
const EXTENSION_FIELDS: Record<string, string> = {
  requestedDueOn: 'refusal.extensionDate',
  reason: 'refusal.extensionReason',
  taskId: 'refusal.extensionTask',
  writtenAt: 'refusal.writtenAt',
};

/**
 * The message for a refused entry, chosen from the server's code, the field it named and the kind
 * of entry; never from the server's words, except to tell a cancelled task from a reused entry id,
 * which the server both reports on the field `id`.
 */
export function refusalMessage(
  code: string | null | undefined,
  field: string | null | undefined,
  kind: OutboxKind | null | undefined,
  reason?: string | null,
): RefusalMessage {
  const f = field ?? '';
  switch (code) {
    case 'BAD_USER_INPUT': {
      if (f === 'id') return { key: /cancel/i.test(reason ?? '') ? 'refusal.cancelled' : 'refusal.duplicateId' };
      const key =
        kind === 'UPDATE_TASK'
          ? TASK_FIELDS[f]
          : kind === 'CREATE_REPORT'
            ? REPORT_FIELDS[f.split(/[.[]/)[0]!]
            : kind === 'REQUEST_EXTENSION'
              ? EXTENSION_FIELDS[f]
              : undefined;
      return { key: key ?? 'refusal.badInput' };
    }
    case 'FORBIDDEN':
      if (kind === 'UPDATE_TASK') return { key: 'refusal.forbiddenEdit' };
      if (kind === 'CREATE_REPORT') return { key: 'refusal.forbiddenReport' };
      if (kind === 'REQUEST_EXTENSION') return { key: 'refusal.forbiddenExtension' };
      return { key: 'refusal.forbidden' };
    case 'NOT_FOUND':
      return { key: kind === 'MARK_NOTIFICATION_READ' ? 'refusal.notFoundNotification' : 'refusal.notFoundTask' };
    case 'CONFLICT':
      if (kind === 'REQUEST_EXTENSION') return { key: 'refusal.conflictExtension' };
      return { key: kind === 'UPDATE_TASK' ? 'refusal.conflictEdit' : 'refusal.conflict' };
    case 'INVALID_LOCAL_ENTRY':
      return { key: 'refusal.damaged' };
    case 'UNAUTHENTICATED':
      return { key: 'refusal.unauthenticated' };
    default:
      return { key: 'refusal.other' };
  }
}
