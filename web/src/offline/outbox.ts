import type { OfflineDatabase } from './db.js';
import { rebuildTask } from './local-tasks.js';
import { preparePhoto, type Compressor, type PhotoInput } from './photos.js';
import {
  EDITABLE_TASK_FIELDS,
  type AttachmentRef,
  type ConflictRecord,
  type IndicatorValue,
  type LocalExtensionRequest,
  type LocalReport,
  type OutboxEntry,
  type PhotoRow,
  type TaskEdit,
  type UpdateTaskPayload,
} from './types.js';

export interface RecordReportInput {
  /** Made here when absent; pass one to make a retried save idempotent. */
  id?: string;
  taskId: string;
  percent: number;
  values?: IndicatorValue[];
  narrative?: string | null;
  hasObstacles?: boolean;
  obstacles?: string | null;
  answersReportId?: string | null;
  /** The period reported on, for a task with a schedule. */
  periodKey?: string | null;
  photos?: PhotoInput[];
}

export interface RecordReportResult {
  report: LocalReport;
  /** Photos that could not be kept (full disk…): the text of the report was saved all the same. */
  photoErrors: { fileName: string; reason: string }[];
}

export interface LocalActionOptions {
  compressor?: Compressor;
  now?: () => Date;
}

function isQuotaError(error: unknown): boolean {
  const name = (error as { name?: string; inner?: { name?: string } })?.name;
  const inner = (error as { inner?: { name?: string } })?.inner?.name;
  return name === 'QuotaExceededError' || inner === 'QuotaExceededError';
}

/**
 * Records a progress report on this device: the report row, its outbox entry and its photos are
 * written in one IndexedDB transaction. If the photos do not fit (quota), the report is saved
 * without them and the failures are returned.
 */
export async function recordReport(
  db: OfflineDatabase,
  input: RecordReportInput,
  options: LocalActionOptions = {},
): Promise<RecordReportResult> {
  if (!(input.percent >= 0 && input.percent <= 100)) throw new RangeError('percent must be between 0 and 100');
  const now = (options.now ?? (() => new Date()))().toISOString();
  const id = input.id ?? crypto.randomUUID();
  const photoErrors: RecordReportResult['photoErrors'] = [];
  const prepared: PhotoRow[] = [];
  for (const photo of input.photos ?? []) {
    try {
      prepared.push(await preparePhoto(photo, id, now, options.compressor));
    } catch (error) {
      photoErrors.push({ fileName: photo.fileName, reason: error instanceof Error ? error.message : String(error) });
    }
  }

  const write = async (photos: PhotoRow[]) => {
    const attachments: AttachmentRef[] = photos.map((p) => ({
      id: p.id,
      sha256: p.sha256,
      size: p.size,
      contentType: p.contentType,
      fileName: p.fileName,
    }));
    const report: LocalReport = {
      id,
      taskId: input.taskId,
      percent: input.percent,
      values: input.values ?? [],
      narrative: input.narrative ?? null,
      hasObstacles: input.hasObstacles ?? false,
      obstacles: input.obstacles ?? null,
      writtenAt: now,
      receivedAt: null,
      answersReportId: input.answersReportId ?? null,
      periodKey: input.periodKey ?? null,
      flaggedReassigned: false,
      state: 'SUBMITTED',
      reviewedAt: null,
      reviewComment: null,
      reviewerName: null,
      attachments,
      syncState: 'PENDING',
    };
    await db.transaction('rw', [db.reports, db.outbox, db.photos], async () => {
      if (await db.outbox.where('id').equals(id).count()) return; // the same save, retried
      await db.reports.put(report);
      await db.outbox.add({
        id,
        kind: 'CREATE_REPORT',
        createdAt: now,
        refs: [id, input.taskId],
        attempts: 0,
        lastError: null,
        createReport: {
          reportId: id,
          taskId: input.taskId,
          percent: report.percent,
          values: report.values,
          narrative: report.narrative,
          hasObstacles: report.hasObstacles,
          obstacles: report.obstacles,
          writtenAt: now,
          answersReportId: report.answersReportId,
          periodKey: report.periodKey ?? null,
          attachments,
        },
      });
      if (photos.length) await db.photos.bulkPut(photos);
    });
    return report;
  };

  try {
    return { report: await write(prepared), photoErrors };
  } catch (error) {
    if (!prepared.length || !isQuotaError(error)) throw error;
    for (const p of prepared) photoErrors.push({ fileName: p.fileName, reason: 'storage full' });
    return { report: await write([]), photoErrors };
  }
}

/**
 * Edits a task's field-editable fields on this device, with an UPDATE_TASK entry based on the
 * version the server last sent. Throws when the task is not in the local database.
 */
export async function editTask(
  db: OfflineDatabase,
  taskId: string,
  edit: TaskEdit,
  options: LocalActionOptions = {},
): Promise<OutboxEntry> {
  const now = (options.now ?? (() => new Date()))().toISOString();
  const fields: TaskEdit = {};
  for (const f of EDITABLE_TASK_FIELDS) if (edit[f] !== undefined) fields[f] = edit[f];
  if (!Object.keys(fields).length) throw new RangeError('nothing to change');
  return db.transaction('rw', [db.tasks, db.outbox], async () => {
    const task = await db.tasks.get(taskId);
    if (!task) throw new Error(`task ${taskId} is not on this device`);
    const entry: OutboxEntry = {
      id: crypto.randomUUID(),
      kind: 'UPDATE_TASK',
      createdAt: now,
      refs: [taskId],
      attempts: 0,
      lastError: null,
      updateTask: { taskId, baseVersion: task.serverVersion, ...fields },
    };
    await db.outbox.add(entry);
    await rebuildTask(db, taskId);
    return entry;
  });
}

export interface RequestExtensionInput {
  /** Made here when absent. */
  id?: string;
  taskId: string;
  /** YYYY-MM-DD, after the task's current due date. */
  requestedDueOn: string;
  reason: string;
}

/**
 * Asks for a later due date on this device: the local request and its REQUEST_EXTENSION entry,
 * based on the task version the server last sent, in one IndexedDB transaction. Throws when the
 * task is not here, the reason is empty or the date is not after the current due date.
 */
export async function requestExtension(
  db: OfflineDatabase,
  input: RequestExtensionInput,
  options: LocalActionOptions = {},
): Promise<LocalExtensionRequest> {
  const now = (options.now ?? (() => new Date()))().toISOString();
  const reason = input.reason.trim();
  if (!reason) throw new RangeError('reason');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.requestedDueOn)) throw new RangeError('requestedDueOn');
  const id = input.id ?? crypto.randomUUID();
  return db.transaction('rw', [db.tasks, db.outbox, db.extensionRequests], async () => {
    const task = await db.tasks.get(input.taskId);
    if (!task) throw new Error(`task ${input.taskId} is not on this device`);
    if (task.dueOn && input.requestedDueOn <= task.dueOn) throw new RangeError('requestedDueOn');
    const existing = await db.extensionRequests.get(id);
    if (existing) return existing; // the same save, retried
    const request: LocalExtensionRequest = {
      id,
      taskId: task.id,
      previousDueOn: task.dueOn,
      requestedDueOn: input.requestedDueOn,
      reason,
      writtenAt: now,
      requestedAt: null,
      state: 'PENDING',
      decidedAt: null,
      decisionComment: null,
      decidedByName: null,
      syncState: 'PENDING',
    };
    await db.extensionRequests.put(request);
    await db.outbox.add({
      id: crypto.randomUUID(),
      kind: 'REQUEST_EXTENSION',
      createdAt: now,
      refs: [task.id, id],
      attempts: 0,
      lastError: null,
      requestExtension: {
        requestId: id,
        taskId: task.id,
        baseVersion: task.serverVersion,
        requestedDueOn: input.requestedDueOn,
        reason,
        writtenAt: now,
      },
    });
    return request;
  });
}

/** Marks a notification read here and queues the same for the server; a no-op when already read. */
export async function markNotificationRead(
  db: OfflineDatabase,
  notificationId: string,
  options: LocalActionOptions = {},
): Promise<void> {
  const now = (options.now ?? (() => new Date()))().toISOString();
  await db.transaction('rw', [db.notifications, db.outbox], async () => {
    const n = await db.notifications.get(notificationId);
    if (!n || n.readAt) return;
    await db.notifications.put({ ...n, readAt: now });
    await db.outbox.add({
      id: crypto.randomUUID(),
      kind: 'MARK_NOTIFICATION_READ',
      createdAt: now,
      refs: [notificationId],
      attempts: 0,
      lastError: null,
      markNotificationRead: { notificationId },
    });
  });
}

/** Unsent entries: the number the app always shows. */
export function pendingCount(db: OfflineDatabase): Promise<number> {
  return db.outbox.count();
}

export type ConflictChoice = 'MINE' | 'SERVER';

/**
 * Settles a conflict the person has looked at. 'SERVER' keeps the server's copy (already in the
 * task row); 'MINE' queues the local edit again, based on the server version that was shown, so a
 * further change on the server makes a new visible conflict rather than being overwritten.
 */
export async function resolveConflict(
  db: OfflineDatabase,
  conflictId: string,
  choice: ConflictChoice,
  options: LocalActionOptions = {},
): Promise<void> {
  const now = (options.now ?? (() => new Date()))().toISOString();
  await db.transaction('rw', [db.conflicts, db.tasks, db.outbox, db.extensionRequests], async () => {
    const conflict: ConflictRecord | undefined = await db.conflicts.get(conflictId);
    if (!conflict) return;
    await db.conflicts.delete(conflictId);
    if (conflict.extension) {
      // A request made on an older copy of the task: withdrawn, or sent again on the copy shown.
      const ext = conflict.extension;
      if (choice === 'SERVER') {
        await db.extensionRequests.delete(ext.requestId);
        return;
      }
      await db.extensionRequests.update(ext.requestId, { syncState: 'PENDING', rejectedReason: null });
      await db.outbox.add({
        id: crypto.randomUUID(),
        kind: 'REQUEST_EXTENSION',
        createdAt: now,
        refs: [conflict.taskId, ext.requestId],
        attempts: 0,
        lastError: null,
        requestExtension: { ...ext, baseVersion: conflict.server.version },
      });
      return;
    }
    if (choice === 'SERVER') return;
    const fields: TaskEdit = {};
    for (const f of EDITABLE_TASK_FIELDS) if (conflict.local[f] !== undefined) fields[f] = conflict.local[f];
    const updateTask: UpdateTaskPayload = { taskId: conflict.taskId, baseVersion: conflict.server.version, ...fields };
    await db.outbox.add({
      id: crypto.randomUUID(),
      kind: 'UPDATE_TASK',
      createdAt: now,
      refs: [conflict.taskId],
      attempts: 0,
      lastError: null,
      updateTask,
    });
    await rebuildTask(db, conflict.taskId);
  });
}

/** Puts a rejected entry back in the outbox (after the cause was fixed on the server). */
export async function retryRejected(db: OfflineDatabase, rejectedId: string): Promise<boolean> {
  return db.transaction('rw', [db.rejected, db.outbox, db.reports, db.extensionRequests], async () => {
    const r = await db.rejected.get(rejectedId);
    if (!r) return false;
    const entry = r.entry as OutboxEntry;
    await db.rejected.delete(rejectedId);
    const { seq: _seq, ...rest } = entry;
    await db.outbox.add({ ...rest, attempts: 0, lastError: null } as OutboxEntry);
    if (entry.kind === 'CREATE_REPORT') {
      await db.reports.update(entry.createReport.reportId, { syncState: 'PENDING', rejectedReason: null });
    }
    if (entry.kind === 'REQUEST_EXTENSION') {
      await db.extensionRequests.update(entry.requestExtension.requestId, { syncState: 'PENDING', rejectedReason: null });
    }
    return true;
  });
}
