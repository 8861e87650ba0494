/**
 * Row types of the field app's local database and the wire types of the sync protocol
 * (docs/SYNC.md). Plain data only: every row can be structured-cloned into IndexedDB.
 */
import type {
  ReportState as SchemaReportState,
  SyncEntity,
  SyncPullQuery,
  SyncPushMutation,
  TaskPriority as SchemaTaskPriority,
} from '../graphql/generated/graphql.js';
import type { LocalReportSchedule } from './report-periods.js';

/**
 * 2: tasks carry their resolution and completedAt, reports their reviewer's name; 3: deadline-
 * extension requests (pulled with their decisions, pushed as REQUEST_EXTENSION) and the tasks'
 * originalDueOn and onTimeDueOn; 4: reference data — the resolutions, units and people the rows
 * name come as rows of their own, renames included (docs/SYNC.md, "Reference data").
 */
export const PROTOCOL_VERSION = 4;

export type TaskPriority = SchemaTaskPriority;
export type ReportState = SchemaReportState;

export interface LocalIndicator {
  id: string;
  name: string;
  unitOfMeasure: string;
  baseline: number;
  target: number;
  direction: 'HIGHER_IS_BETTER' | 'LOWER_IS_BETTER';
  dueOn: string | null;
  currentValue: number | null;
  version: number;
  /** Its own reporting schedule (report-periods.ts); absent on rows stored before it, null when none. */
  reportSchedule?: LocalReportSchedule | null;
}

/** The fields of a task a field officer may edit offline (UPDATE_TASK). */
export interface TaskEdit {
  responsiblePerson?: string | null;
  expectedResult?: string | null;
  description?: string | null;
}
export const EDITABLE_TASK_FIELDS = ['responsiblePerson', 'expectedResult', 'description'] as const;

/** The resolution a task carries out (SyncResolution, protocol 2). */
export interface TaskResolution {
  id: string;
  /** e.g. "57-NQ/TW" */
  code: string;
  titleVi: string;
  titleEn: string;
}

/** A task as the server sent it (SyncTask), with the indicators inline. */
export interface ServerTask {
  id: string;
  parentId: string | null;
  title: string;
  description: string | null;
  responsiblePerson: string | null;
  expectedResult: string | null;
  startOn: string | null;
  dueOn: string | null;
  priority: TaskPriority;
  state: string;
  progress: number;
  version: number;
  updatedAt: string;
  lastReportAt: string | null;
  /** When it was completed; null while open, and on rows stored before protocol 2 until re-pulled. */
  completedAt: string | null;
  /** null only on rows stored before protocol 2, until the next pull brings it. */
  resolution: TaskResolution | null;
  /** The due date before the first approved extension; null when never extended (protocol 3). */
  originalDueOn: string | null;
  /** The lead unit, a row of `units` (protocol 4); null on rows stored before it, until re-pulled. */
  leadUnitId?: string | null;
  /** The assigning unit when it lies within this unit's subtree, else null (protocol 4). */
  assignerUnitId?: string | null;
  /** The date a completion is measured against under the plan's on-time rule (protocol 3). */
  onTimeDueOn: string | null;
  /** Titles of the tasks above, root first, for context. */
  ancestorTitles: string[];
  indicators: LocalIndicator[];
  /** Periodic reporting (report-periods.ts); absent on rows stored before it, null when none. */
  reportSchedule?: LocalReportSchedule | null;
}

/** A task in the local database: the server's copy with any unsent local edits laid over it. */
export interface LocalTask extends ServerTask {
  /** The version the server last sent; an edit is based on it. */
  serverVersion: number;
  /** The server's copy as last received: the row is this with the pending edits laid over it. */
  server: ServerTask;
  /** Fields edited on this device and not yet confirmed by the server. */
  pendingFields: (keyof TaskEdit)[];
}

export interface IndicatorValue {
  indicatorId: string;
  value: number;
  /**
   * The period of the indicator's own schedule the server counted the value for (null: none);
   * absent until the server has sent the report back, when the device works it out itself.
   */
  periodKey?: string | null;
}

export interface AttachmentRef {
  id: string;
  sha256: string;
  size: number;
  contentType: string;
  fileName: string;
}

/** Where a locally known report stands with the server. */
export type ReportSyncState = 'PENDING' | 'SYNCED' | 'REJECTED';

export interface LocalReport {
  id: string;
  taskId: string;
  percent: number;
  values: IndicatorValue[];
  narrative: string | null;
  hasObstacles: boolean;
  obstacles: string | null;
  writtenAt: string;
  /** Set by the server; null while the report waits in the outbox. */
  receivedAt: string | null;
  answersReportId: string | null;
  /** The reporting period on a scheduled task (2026-11…); absent on rows stored before it. */
  periodKey?: string | null;
  flaggedReassigned: boolean;
  state: ReportState;
  reviewedAt: string | null;
  reviewComment: string | null;
  /** Who reviewed it (protocol 2); null before review. Shown from `people` when that has the row. */
  reviewerName: string | null;
  /** The reviewer, a row of `people` (protocol 4). */
  reviewedById?: string | null;
  /**
   * Approval levels (docs/WORKFLOW.md): how many levels approve it, how many have, and the kind
   * of the unit it waits on. Absent on rows stored before the server sent them: one level.
   */
  approvalLevels?: number;
  approvedLevels?: number;
  awaitingUnitKind?: string | null;
  attachments: AttachmentRef[];
  syncState: ReportSyncState;
  /** Why the server refused it, when syncState is REJECTED. */
  rejectedReason?: string | null;
}

/** A resolution the rows name (protocol 4, Dexie 5): the current name, joined in by the screens. */
export type LocalResolution = TaskResolution;

/** A unit the rows name, within this unit's subtree (protocol 4). */
export interface LocalUnit {
  id: string;
  name: string;
  kind: string;
}

/** Someone the rows name: a report's reviewer, an extension request's decider (protocol 4). */
export interface LocalPerson {
  id: string;
  displayName: string;
}

export interface LocalNotification {
  id: string;
  kind: string;
  message: string;
  taskId: string | null;
  reportId: string | null;
  createdAt: string;
  readAt: string | null;
}

export type ExtensionState = 'PENDING' | 'APPROVED' | 'REFUSED';

/** A deadline-extension request of this unit (protocol 3): made here or pulled with its decision. */
export interface LocalExtensionRequest {
  id: string;
  taskId: string;
  previousDueOn: string | null;
  requestedDueOn: string;
  reason: string;
  writtenAt: string;
  /** Set by the server; null while the request waits in the outbox. */
  requestedAt: string | null;
  state: ExtensionState;
  decidedAt: string | null;
  decisionComment: string | null;
  decidedByName: string | null;
  /** Who decided, a row of `people` (protocol 4). */
  decidedById?: string | null;
  /** PENDING while unsent; REJECTED (with the reason) or CONFLICT when the server did not take it. */
  syncState: ReportSyncState | 'CONFLICT';
  rejectedReason?: string | null;
}

export type OutboxKind = 'CREATE_REPORT' | 'UPDATE_TASK' | 'MARK_NOTIFICATION_READ' | 'REQUEST_EXTENSION';

export interface CreateReportPayload {
  reportId: string;
  taskId: string;
  percent: number;
  values: IndicatorValue[];
  narrative: string | null;
  hasObstacles: boolean;
  obstacles: string | null;
  writtenAt: string;
  answersReportId: string | null;
  periodKey?: string | null;
  attachments: AttachmentRef[];
}

export interface UpdateTaskPayload extends TaskEdit {
  taskId: string;
  baseVersion: number;
}

export interface MarkNotificationReadPayload {
  notificationId: string;
}

export interface RequestExtensionPayload {
  requestId: string;
  taskId: string;
  /** The task version the request was made on: a stale one comes back as a conflict. */
  baseVersion: number;
  requestedDueOn: string;
  reason: string;
  writtenAt: string;
}

interface OutboxBase {
  /** Auto-increment: the order entries were made in, and the order they are pushed in. */
  seq?: number;
  /** Made on the device: the idempotency key. */
  id: string;
  /** Device clock, shown only. */
  createdAt: string;
  /** Ids of the local records this entry refers to: a removal waits while any entry names one. */
  refs: string[];
  attempts: number;
  lastError: string | null;
}

export type OutboxEntry =
  | (OutboxBase & { kind: 'CREATE_REPORT'; createReport: CreateReportPayload })
  | (OutboxBase & { kind: 'UPDATE_TASK'; updateTask: UpdateTaskPayload })
  | (OutboxBase & { kind: 'MARK_NOTIFICATION_READ'; markNotificationRead: MarkNotificationReadPayload })
  | (OutboxBase & { kind: 'REQUEST_EXTENSION'; requestExtension: RequestExtensionPayload });

/** An entry the server refused (or that failed validation on the device), set aside with its reason. */
export interface RejectedEntry {
  id: string;
  entry: unknown;
  code: string;
  field: string | null;
  reason: string;
  rejectedAt: string;
}

/** An edit the server refused because the task changed meanwhile: both copies, for the person to decide. */
export interface ConflictRecord {
  id: string;
  entryId: string;
  taskId: string;
  /** What this device wanted, and the version it was based on (for an extension request: its task and version). */
  local: UpdateTaskPayload;
  /** Set when the conflicting entry was a deadline-extension request rather than an edit. */
  extension?: RequestExtensionPayload;
  server: ServerTask;
  createdAt: string;
}

export type PhotoStatus = 'QUEUED' | 'UPLOADING' | 'VERIFIED' | 'FAILED';

/** A compressed photo waiting for (or in) its upload. The blob is deleted once verified and confirmed. */
export interface PhotoRow {
  id: string;
  reportId: string;
  blob: Blob | null;
  sha256: string;
  size: number;
  contentType: string;
  fileName: string;
  status: PhotoStatus;
  uploadedBytes: number;
  attempts: number;
  lastError: string | null;
  createdAt: string;
}

/** A removal the server sent for a record an unsent entry still refers to; applied once none does. */
export interface DeferredRemoval {
  id: string;
  entity: RemovalEntity;
}

export type RemovalEntity = SyncEntity;

export interface MetaRow {
  key: string;
  value: unknown;
}

/** A form's unsaved input, as the form last left it (offline/drafts.ts). */
export interface DraftRow {
  key: string;
  value: unknown;
  savedAt: string;
  /** What the form is about, so a page can offer the draft back before the form is open. */
  place?: DraftPlace;
}

/** The title of what a draft's form is about, and the tasks above it on the page that shows it (outermost first). */
export interface DraftPlace {
  title: string;
  path: string[];
}

// ---- wire types -------------------------------------------------------------------------------
// Generated from the operations in protocol.ts (`npm run codegen`); type-only, so the sync client
// still loads without Apollo or any generated runtime.

export type SyncPullResult = SyncPullQuery['syncPull'];
export type WireReport = SyncPullResult['reports'][number];
export type SyncPushResult = SyncPushMutation['syncPush'];
export type OutboxEntryResult = SyncPushResult['results'][number];
export type OutboxEntryStatus = OutboxEntryResult['status'];
