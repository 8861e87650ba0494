import { Collection, Entity, Enum, Index, ManyToOne, OneToMany, PrimaryKey, Property, type Ref, type Opt } from '@mikro-orm/core';
import { Account } from '../accounts/account.entity.js';
import { Unit } from '../organisations/unit.entity.js';
import { Task } from '../tasks/task.entity.js';
import { ReportState } from './report.enums.js';
import { ReportIndicatorValue } from './report-indicator-value.entity.js';

/**
 * Append-only: a trigger refuses any change but the review fields, and any delete. The id is
 * made on the device, so a report sent twice is stored once. A task's reports by arrival are
 * indexed by progress_report_task_latest_idx (migrations).
 */
@Entity({ tableName: 'progress_report' })
@Index({ properties: ['unit', 'state'] })
export class ProgressReport {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @ManyToOne(() => Task, { ref: true, deleteRule: 'restrict' })
  task!: Ref<Task>;

  /** The unit that reported: the task's lead unit when it was written. */
  @ManyToOne(() => Unit, { ref: true, deleteRule: 'restrict' })
  unit!: Ref<Unit>;

  @Property({ type: 'text' })
  unitPath!: string;

  @ManyToOne(() => Account, { ref: true, deleteRule: 'restrict' })
  author!: Ref<Account>;

  @Property({ type: 'double' })
  percent!: number;

  @Property({ type: 'text', nullable: true })
  narrative?: string | null;

  @Property({ type: 'boolean', default: false })
  hasObstacles: boolean & Opt = false;

  @Property({ type: 'text', nullable: true })
  obstacles?: string | null;

  /** When the device says it was written; may be days before it arrived. */
  @Property({ type: 'datetime', columnType: 'timestamptz' })
  writtenAt!: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  receivedAt: Date & Opt = new Date();

  /** The reporting period (2026-11, 2026-Q4, 2026-H2, 2026) on a task with a schedule; null otherwise. */
  @Property({ type: 'text', nullable: true })
  periodKey?: string | null;

  /** A new report answering a returned one. */
  @ManyToOne(() => ProgressReport, { ref: true, nullable: true, deleteRule: 'restrict' })
  answersReport?: Ref<ProgressReport> | null;

  /** The task was reassigned to another unit while this report was on its way. */
  @Property({ type: 'boolean', default: false })
  flaggedReassigned: boolean & Opt = false;

  @Enum({ items: () => ReportState, nativeEnumName: 'report_state', default: ReportState.SUBMITTED })
  state: ReportState & Opt = ReportState.SUBMITTED;

  @ManyToOne(() => Account, { ref: true, nullable: true, deleteRule: 'restrict' })
  reviewedBy?: Ref<Account> | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  reviewedAt?: Date | null;

  @Property({ type: 'text', nullable: true })
  reviewComment?: string | null;

  /**
   * How many levels of units approve it before it counts (docs/WORKFLOW.md, "Approval levels"):
   * set on insert by trigger from the task's setting, so it never changes under a report.
   */
  @Property({ type: 'smallint', nullable: true })
  approvalLevels?: number | null;

  /** Levels that have approved it so far; equal to `approvalLevels` exactly when APPROVED. */
  @Property({ type: 'smallint', default: 0 })
  approvedLevels: number & Opt = 0;

  /** While SUBMITTED: the unit whose level it waits on (its leaders, or leaders above them, act). */
  @ManyToOne(() => Unit, { ref: true, nullable: true, deleteRule: 'restrict' })
  awaitingUnit?: Ref<Unit> | null;

  /** When it reached the level it waits on: the approval lag of that level runs from here. */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  awaitingSince?: Date | null;

  @OneToMany(() => ReportIndicatorValue, (v) => v.report)
  values = new Collection<ReportIndicatorValue>(this);
}
