import { Account } from '../modules/accounts/account.entity.js';
import { RefreshToken } from '../modules/accounts/refresh-token.entity.js';
import { Attachment } from '../modules/attachments/attachment.entity.js';
import { AuditChainHead, AuditEvent } from '../modules/audit/audit-event.entity.js';
import { Indicator } from '../modules/indicators/indicator.entity.js';
import { Unit } from '../modules/organisations/unit.entity.js';
import { ActionPlan } from '../modules/plans/action-plan.entity.js';
import { ProgressReport } from '../modules/reports/progress-report.entity.js';
import { ReportIndicatorValue } from '../modules/reports/report-indicator-value.entity.js';
import { Resolution } from '../modules/resolutions/resolution.entity.js';
import { Task } from '../modules/tasks/task.entity.js';
import { TaskHistory } from '../modules/tasks/task-history.entity.js';
import { Notification } from '../modules/notifications/notification.entity.js';
import { SyncClientRecord } from '../modules/sync/sync-client.entity.js';
import { TaskEvaluation } from '../modules/evaluations/task-evaluation.entity.js';
import { Publication } from '../modules/publication/publication.entity.js';
import { PushSubscription } from '../modules/push/push-subscription.entity.js';
import { ExtensionRequest } from '../modules/extensions/extension-request.entity.js';

/** Every entity, listed explicitly so discovery never depends on file globs. */
export const entities = [
  Unit,
  Account,
  RefreshToken,
  Resolution,
  ActionPlan,
  Task,
  Indicator,
  ProgressReport,
  ReportIndicatorValue,
  Attachment,
  AuditEvent,
  AuditChainHead,
  TaskHistory,
  Notification,
  SyncClientRecord,
  TaskEvaluation,
  Publication,
  PushSubscription,
  ExtensionRequest,
];
