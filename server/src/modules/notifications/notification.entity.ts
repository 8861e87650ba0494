import { randomUUID } from 'node:crypto';
import { Entity, Enum, ManyToOne, PrimaryKey, Property, type Opt, type Ref } from '@mikro-orm/core';
import { registerEnumType } from 'type-graphql';
import { Account } from '../accounts/account.entity.js';
import { ProgressReport } from '../reports/progress-report.entity.js';
import { Task } from '../tasks/task.entity.js';

export enum NotificationKind {
  TASK_ASSIGNED = 'TASK_ASSIGNED',
  REPORT_SUBMITTED = 'REPORT_SUBMITTED',
  REPORT_RETURNED = 'REPORT_RETURNED',
  REPORT_APPROVED = 'REPORT_APPROVED',
  TASK_DUE_SOON = 'TASK_DUE_SOON',
  /** A deadline-extension request was approved or refused. */
  EXTENSION_DECIDED = 'EXTENSION_DECIDED',
}
registerEnumType(NotificationKind, { name: 'NotificationKind' });

/** An in-app message for one account. Only `readAt` ever changes. */
@Entity({ tableName: 'notification' })
export class Notification {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  account!: Ref<Account>;

  @Enum({ items: () => NotificationKind, nativeEnumName: 'notification_kind' })
  kind!: NotificationKind;

  @ManyToOne(() => Task, { ref: true, nullable: true, deleteRule: 'cascade' })
  task?: Ref<Task> | null;

  @ManyToOne(() => ProgressReport, { ref: true, nullable: true, deleteRule: 'restrict' })
  report?: Ref<ProgressReport> | null;

  @Property({ type: 'text' })
  message!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  readAt?: Date | null;

  /** Keeps a recurring notice (due soon) from being sent twice to the same account. */
  @Property({ type: 'string', length: 200, nullable: true })
  dedupeKey?: string | null;
}
