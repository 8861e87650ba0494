import { LocalDateResolver } from 'graphql-scalars';
import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { IndicatorDirection } from '../indicators/indicator.entity.js';
import { ReportState } from '../reports/report.enums.js';
import { IndicatorValueType } from '../reports/progress-report.type.js';
import { TaskPriority } from '../tasks/task.enums.js';
import { ExtensionState } from '../extensions/extension-request.entity.js';
// Registers ExtensionState with the schema.
import '../extensions/extension.type.js';
import { ReportFrequency } from '../tasks/report-schedule.js';
import '../tasks/report-schedule.type.js';

export enum SyncEntity {
  TASK = 'TASK',
  REPORT = 'REPORT',
  NOTIFICATION = 'NOTIFICATION',
}
registerEnumType(SyncEntity, { name: 'SyncEntity' });

export enum OutboxKind {
  CREATE_REPORT = 'CREATE_REPORT',
  UPDATE_TASK = 'UPDATE_TASK',
  MARK_NOTIFICATION_READ = 'MARK_NOTIFICATION_READ',
  REQUEST_EXTENSION = 'REQUEST_EXTENSION',
}
registerEnumType(OutboxKind, { name: 'OutboxKind' });

export enum OutboxEntryStatus {
  APPLIED = 'APPLIED',
  ALREADY_APPLIED = 'ALREADY_APPLIED',
  REJECTED = 'REJECTED',
  CONFLICT = 'CONFLICT',
  RETRY_LATER = 'RETRY_LATER',
}
registerEnumType(OutboxEntryStatus, {
  name: 'OutboxEntryStatus',
  description: 'APPLIED and ALREADY_APPLIED confirm the entry; RETRY_LATER keeps it in the outbox',
});

// Plain objects with nothing to check per field: graphql's default resolver reads each property,
// without type-graphql's per-field wrapper (the SDL is the same).
@ObjectType('SyncIndicator', { simpleResolvers: true })
export class SyncIndicatorType {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String) unitOfMeasure!: string;
  @Field(() => Float) baseline!: number;
  @Field(() => Float) target!: number;
  @Field(() => IndicatorDirection) direction!: IndicatorDirection;
  @Field(() => LocalDateResolver, { nullable: true }) dueOn!: string | null;
  @Field(() => Float, { nullable: true }) currentValue!: number | null;
  @Field(() => Int) version!: number;
  @Field(() => SyncReportScheduleType, {
    nullable: true,
    description: 'The indicator’s own reporting schedule; null when none (fromOn: its task’s first day)',
  })
  reportSchedule!: SyncReportScheduleType | null;
}

@ObjectType('SyncResolution', {
  description: 'The resolution a synced task carries out (protocol 2)',
  simpleResolvers: true,
})
export class SyncResolutionType {
  @Field(() => ID) id!: string;
  @Field(() => String, { description: 'e.g. 57-NQ/TW' }) code!: string;
  @Field(() => String) titleVi!: string;
  @Field(() => String) titleEn!: string;
}

@ObjectType('SyncUnit', {
  description: 'A unit a synced task names, within your subtree (protocol 4): its name comes as a row of its own',
  simpleResolvers: true,
})
export class SyncUnitType {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { description: 'COMMUNE, CELL, …' }) kind!: string;
}

@ObjectType('SyncPerson', {
  description: 'Someone a synced row names: the reviewer of a report or the decider of an extension request (protocol 4)',
  simpleResolvers: true,
})
export class SyncPersonType {
  @Field(() => ID) id!: string;
  @Field(() => String) displayName!: string;
}

@ObjectType('SyncReportSchedule', {
  description: 'A synced task’s reporting schedule (protocol 2): the phone works out its periods offline',
  simpleResolvers: true,
})
export class SyncReportScheduleType {
  @Field(() => ReportFrequency) frequency!: ReportFrequency;
  @Field(() => Int, { description: 'Days after a period ends by which its report is due' }) dueDays!: number;
  @Field(() => LocalDateResolver, { description: 'The first day the schedule covers: the task’s start, or the day it was made' })
  fromOn!: string;
}

@ObjectType('SyncTask', { description: 'A task of the account’s unit as the field app stores it', simpleResolvers: true })
export class SyncTaskType {
  @Field(() => ID) id!: string;
  @Field(() => ID, { nullable: true }) parentId!: string | null;
  @Field(() => String) title!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => String, { nullable: true }) responsiblePerson!: string | null;
  @Field(() => String, { nullable: true }) expectedResult!: string | null;
  @Field(() => LocalDateResolver, { nullable: true }) startOn!: string | null;
  @Field(() => LocalDateResolver, { nullable: true }) dueOn!: string | null;
  @Field(() => TaskPriority) priority!: TaskPriority;
  @Field(() => String) state!: string;
  @Field(() => Float) progress!: number;
  @Field(() => Int) version!: number;
  @Field(() => Date) updatedAt!: Date;
  @Field(() => Date, { nullable: true }) lastReportAt!: Date | null;
  @Field(() => Date, {
    nullable: true,
    description: 'When the task was completed (protocol 2): on time when its day in Vietnam is not after dueOn',
  })
  completedAt!: Date | null;
  @Field(() => LocalDateResolver, {
    nullable: true,
    description: 'The due date before the first approved extension; null when never extended (protocol 3)',
  })
  originalDueOn!: string | null;
  @Field(() => LocalDateResolver, {
    nullable: true,
    description: 'The date a completion is measured against: dueOn, or originalDueOn under the plan’s ORIGINAL rule (protocol 3)',
  })
  onTimeDueOn!: string | null;
  @Field(() => SyncResolutionType, { description: 'Protocol 2' }) resolution!: SyncResolutionType;
  @Field(() => ID, { description: 'The unit that leads it: a row of `units` (protocol 4)' }) leadUnitId!: string;
  @Field(() => ID, {
    nullable: true,
    description: 'The assigning unit, a row of `units`; null when it is above your unit (protocol 4)',
  })
  assignerUnitId!: string | null;
  @Field(() => [String], { description: 'Titles of the tasks above, root first' }) ancestorTitles!: string[];
  @Field(() => [SyncIndicatorType]) indicators!: SyncIndicatorType[];
  @Field(() => SyncReportScheduleType, { nullable: true, description: 'Periodic reporting; null when none' })
  reportSchedule!: SyncReportScheduleType | null;
}

@ObjectType('SyncReport', { simpleResolvers: true })
export class SyncReportType {
  @Field(() => ID) id!: string;
  @Field(() => ID) taskId!: string;
  @Field(() => Float) percent!: number;
  @Field(() => [IndicatorValueType]) values!: IndicatorValueType[];
  @Field(() => String, { nullable: true }) narrative!: string | null;
  @Field(() => Boolean) hasObstacles!: boolean;
  @Field(() => String, { nullable: true }) obstacles!: string | null;
  @Field(() => Date) writtenAt!: Date;
  @Field(() => Date) receivedAt!: Date;
  @Field(() => ID, { nullable: true }) answersReportId!: string | null;
  @Field(() => String, { nullable: true, description: 'The reporting period, on a scheduled task' }) periodKey!: string | null;
  @Field(() => Boolean) flaggedReassigned!: boolean;
  @Field(() => ReportState) state!: ReportState;
  @Field(() => Date, { nullable: true }) reviewedAt!: Date | null;
  @Field(() => String, { nullable: true }) reviewComment!: string | null;
  @Field(() => String, { nullable: true, description: 'Display name of the reviewer (protocol 2)' })
  reviewerName!: string | null;
  @Field(() => ID, { nullable: true, description: 'The reviewer, a row of `people` (protocol 4)' })
  reviewedById!: string | null;
  @Field(() => Int, { description: 'Levels of units that approve it before it counts' })
  approvalLevels!: number;
  @Field(() => Int, { description: 'Levels that have approved it so far' })
  approvedLevels!: number;
  @Field(() => String, {
    nullable: true,
    description: 'While SUBMITTED: the kind of the unit whose level it waits on (COMMUNE, PROVINCE, …)',
  })
  awaitingUnitKind!: string | null;
}

@ObjectType('SyncExtensionRequest', {
  description: 'A deadline-extension request on a task of the account’s unit, with its decision (protocol 3)',
  simpleResolvers: true,
})
export class SyncExtensionRequestType {
  @Field(() => ID) id!: string;
  @Field(() => ID) taskId!: string;
  @Field(() => LocalDateResolver, { nullable: true }) previousDueOn!: string | null;
  @Field(() => LocalDateResolver) requestedDueOn!: string;
  @Field(() => String) reason!: string;
  @Field(() => Date) writtenAt!: Date;
  @Field(() => Date) requestedAt!: Date;
  @Field(() => ExtensionState) state!: ExtensionState;
  @Field(() => Date, { nullable: true }) decidedAt!: Date | null;
  @Field(() => String, { nullable: true }) decisionComment!: string | null;
  @Field(() => String, { nullable: true }) decidedByName!: string | null;
  @Field(() => ID, { nullable: true, description: 'Who decided, a row of `people` (protocol 4)' }) decidedById!: string | null;
}

@ObjectType('SyncNotification', { simpleResolvers: true })
export class SyncNotificationType {
  @Field(() => ID) id!: string;
  @Field(() => String) kind!: string;
  @Field(() => String) message!: string;
  @Field(() => ID, { nullable: true }) taskId!: string | null;
  @Field(() => ID, { nullable: true }) reportId!: string | null;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, { nullable: true }) readAt!: Date | null;
}

@ObjectType('SyncRemoval', { simpleResolvers: true })
export class SyncRemovalType {
  @Field(() => SyncEntity) entity!: SyncEntity;
  @Field(() => ID) id!: string;
}

@ObjectType('SyncPullResult', { simpleResolvers: true })
export class SyncPullResultType {
  @Field(() => Boolean, { description: 'The client is too old: update it; its outbox is kept' })
  updateRequired!: boolean;
  @Field(() => Boolean, { description: 'Drop the view data (never the outbox) and pull again from a null cursor' })
  reset!: boolean;
  @Field(() => String, { description: 'Opaque; store it only after applying the whole page' })
  cursor!: string;
  @Field(() => Boolean, { description: 'Pull again at once with the new cursor' })
  hasMore!: boolean;
  @Field(() => Date) serverTime!: Date;
  @Field(() => [SyncTaskType]) tasks!: SyncTaskType[];
  @Field(() => [SyncReportType]) reports!: SyncReportType[];
  @Field(() => [SyncNotificationType]) notifications!: SyncNotificationType[];
  @Field(() => [SyncExtensionRequestType], { description: 'Protocol 3' }) extensionRequests!: SyncExtensionRequestType[];
  @Field(() => [SyncRemovalType]) removals!: SyncRemovalType[];
  @Field(() => [SyncResolutionType], {
    description: 'Protocol 4: the resolutions this page’s rows name, and those renamed since the cursor that your tasks name',
  })
  resolutions!: SyncResolutionType[];
  @Field(() => [SyncUnitType], { description: 'Protocol 4: the units this page’s rows name, and those renamed since the cursor' })
  units!: SyncUnitType[];
  @Field(() => [SyncPersonType], {
    description: 'Protocol 4: the reviewers and deciders this page’s rows name, and those renamed since the cursor',
  })
  people!: SyncPersonType[];
}

@InputType('SyncPullInput')
export class SyncPullInput {
  @Field(() => Int) protocolVersion!: number;
  @Field(() => ID, { description: 'A UUID made once per installed app' }) clientId!: string;
  @Field(() => String, { nullable: true }) cursor?: string | null;
  @Field(() => Int, { nullable: true, description: 'Rows per page, 1–1000 (default 500)' }) limit?: number | null;
}

@InputType('IndicatorValueEntryInput')
export class IndicatorValueEntryInput {
  @Field(() => ID) indicatorId!: string;
  @Field(() => Float) value!: number;
}

@InputType('AttachmentRefInput')
export class AttachmentRefInput {
  @Field(() => ID) id!: string;
  @Field(() => String) sha256!: string;
  @Field(() => Float) size!: number;
  @Field(() => String) contentType!: string;
  @Field(() => String) fileName!: string;
}

@InputType('CreateReportEntry')
export class CreateReportEntry {
  @Field(() => ID) reportId!: string;
  @Field(() => ID) taskId!: string;
  @Field(() => Float) percent!: number;
  @Field(() => [IndicatorValueEntryInput], { nullable: true }) values?: IndicatorValueEntryInput[] | null;
  @Field(() => String, { nullable: true }) narrative?: string | null;
  @Field(() => Boolean) hasObstacles!: boolean;
  @Field(() => String, { nullable: true }) obstacles?: string | null;
  @Field(() => Date) writtenAt!: Date;
  @Field(() => ID, { nullable: true }) answersReportId?: string | null;
  @Field(() => String, { nullable: true, description: 'The period reported on, on a scheduled task' }) periodKey?: string | null;
  @Field(() => [AttachmentRefInput], { nullable: true }) attachments?: AttachmentRefInput[] | null;
}

@InputType('UpdateTaskEntry')
export class UpdateTaskEntry {
  @Field(() => ID) taskId!: string;
  @Field(() => Int) baseVersion!: number;
  @Field(() => String, { nullable: true }) responsiblePerson?: string | null;
  @Field(() => String, { nullable: true }) expectedResult?: string | null;
  @Field(() => String, { nullable: true }) description?: string | null;
}

@InputType('RequestExtensionEntry')
export class RequestExtensionEntry {
  @Field(() => ID, { description: 'Made on the device: the request’s id' }) requestId!: string;
  @Field(() => ID) taskId!: string;
  @Field(() => Int, { description: 'The task version the request was made on; a stale one answers CONFLICT' })
  baseVersion!: number;
  @Field(() => LocalDateResolver) requestedDueOn!: string;
  @Field(() => String) reason!: string;
  @Field(() => Date) writtenAt!: Date;
}

@InputType('MarkNotificationReadEntry')
export class MarkNotificationReadEntry {
  @Field(() => ID) notificationId!: string;
}

@InputType('OutboxEntryInput')
export class OutboxEntryInput {
  @Field(() => ID, { description: 'Made on the device: the idempotency key' }) id!: string;
  @Field(() => OutboxKind) kind!: OutboxKind;
  @Field(() => Date, { description: 'Device clock: shown, never trusted for ordering' }) createdAt!: Date;
  @Field(() => CreateReportEntry, { nullable: true }) createReport?: CreateReportEntry | null;
  @Field(() => UpdateTaskEntry, { nullable: true }) updateTask?: UpdateTaskEntry | null;
  @Field(() => MarkNotificationReadEntry, { nullable: true }) markNotificationRead?: MarkNotificationReadEntry | null;
  @Field(() => RequestExtensionEntry, { nullable: true, description: 'Protocol 3' })
  requestExtension?: RequestExtensionEntry | null;
}

@InputType('SyncPushInput')
export class SyncPushInput {
  @Field(() => Int) protocolVersion!: number;
  @Field(() => ID) clientId!: string;
  @Field(() => Date, {
    nullable: true,
    description: 'The device clock when sending: device times in the entries are corrected by its offset',
  })
  clientTime?: Date | null;
  @Field(() => [OutboxEntryInput], { description: 'At most 100, applied in order' }) entries!: OutboxEntryInput[];
}

@ObjectType('OutboxEntryResult', { simpleResolvers: true })
export class OutboxEntryResultType {
  @Field(() => ID) id!: string;
  @Field(() => OutboxEntryStatus) status!: OutboxEntryStatus;
  @Field(() => String, { nullable: true, description: 'For REJECTED: BAD_USER_INPUT, NOT_FOUND, FORBIDDEN…' })
  code!: string | null;
  @Field(() => String, { nullable: true }) field!: string | null;
  @Field(() => String, { nullable: true, description: 'Readable, shown to the person' }) reason!: string | null;
  @Field(() => Int, { nullable: true, description: 'UPDATE_TASK applied: the task version the edit produced' })
  version!: number | null;
  @Field(() => SyncTaskType, { nullable: true, description: 'For CONFLICT: the server’s copy' })
  serverTask!: SyncTaskType | null;
}

@ObjectType('SyncPushResult', { simpleResolvers: true })
export class SyncPushResultType {
  @Field(() => Boolean) updateRequired!: boolean;
  @Field(() => [OutboxEntryResultType], { description: 'In the order of the entries' })
  results!: OutboxEntryResultType[];
}
