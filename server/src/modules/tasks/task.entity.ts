import { Collection, Entity, Enum, Index, ManyToMany, ManyToOne, Property, type Ref, type Opt } from '@mikro-orm/core';
import { BaseEntity } from '../../common/base.entity.js';
import { Account } from '../accounts/account.entity.js';
import { Unit } from '../organisations/unit.entity.js';
import { ActionPlan } from '../plans/action-plan.entity.js';
import { Resolution } from '../resolutions/resolution.entity.js';
import { TaskPriority, TaskState } from './task.enums.js';
import type { ReportFrequency } from './report-schedule.js';

/**
 * A task of an action plan, assigned by one unit to a lead unit in its subtree. The paths of
 * both units are copied here so scope and analytics filter tasks without a join; a unit move
 * rewrites them in the same transaction.
 */
@Entity({ tableName: 'task' })
@Index({
  name: 'task_lead_unit_path_idx',
  expression: 'create index "task_lead_unit_path_idx" on "task" ("lead_unit_path" text_pattern_ops)',
})
@Index({
  name: 'task_assigner_unit_path_idx',
  expression: 'create index "task_assigner_unit_path_idx" on "task" ("assigner_unit_path" text_pattern_ops)',
})
@Index({ properties: ['resolution', 'dueOn'] })
export class Task extends BaseEntity {
  @ManyToOne(() => ActionPlan, { ref: true, deleteRule: 'restrict' })
  @Index()
  plan!: Ref<ActionPlan>;

  @ManyToOne(() => Resolution, { ref: true, deleteRule: 'restrict' })
  resolution!: Ref<Resolution>;

  @ManyToOne(() => Task, { ref: true, nullable: true, deleteRule: 'restrict' })
  @Index()
  parent?: Ref<Task> | null;

  /** Number of ancestors; a root task has depth 0. */
  @Property({ type: 'integer', default: 0 })
  depth: number & Opt = 0;

  @Property({ type: 'text' })
  title!: string;

  @Property({ type: 'text', nullable: true })
  description?: string | null;

  @ManyToOne(() => Unit, { ref: true, deleteRule: 'restrict' })
  assignerUnit!: Ref<Unit>;

  @Property({ type: 'text' })
  assignerUnitPath!: string;

  @ManyToOne(() => Unit, { ref: true, deleteRule: 'restrict' })
  @Index()
  leadUnit!: Ref<Unit>;

  @Property({ type: 'text' })
  leadUnitPath!: string;

  @ManyToMany({ entity: () => Unit, pivotTable: 'task_coordinator', joinColumn: 'task_id', inverseJoinColumn: 'unit_id' })
  coordinatingUnits = new Collection<Unit>(this);

  /** The person responsible in the lead unit, by name ("clear person"). */
  @Property({ type: 'string', length: 255, nullable: true })
  responsiblePerson?: string | null;

  @ManyToOne(() => Account, { ref: true, nullable: true, deleteRule: 'set null' })
  responsibleAccount?: Ref<Account> | null;

  /** The deliverable that proves the task done ("clear result"). */
  @Property({ type: 'text', nullable: true })
  expectedResult?: string | null;

  @Property({ type: 'date', nullable: true })
  startOn?: string | null;

  @Property({ type: 'date', nullable: true })
  dueOn?: string | null;

  /** The due date before the first approved deadline extension; null when never extended. */
  @Property({ type: 'date', nullable: true })
  originalDueOn?: string | null;

  /**
   * Set from the plan's on-time rule (a trigger fills it on insert): completion is measured
   * against the original due date rather than the extended one (`task.on_time_due_on`).
   */
  @Property({ type: 'boolean', default: false })
  onTimeOriginal: boolean & Opt = false;

  @Enum({ items: () => TaskPriority, nativeEnumName: 'task_priority', default: TaskPriority.NORMAL })
  priority: TaskPriority & Opt = TaskPriority.NORMAL;

  @Enum({ items: () => TaskState, nativeEnumName: 'task_state', default: TaskState.OPEN })
  state: TaskState & Opt = TaskState.OPEN;

  /** Relative weight in the parent's progress rollup. */
  @Property({ type: 'double', default: 1 })
  weight: number & Opt = 1;

  /** Latest approved progress, or the weighted rollup of the children (0–100). */
  @Property({ type: 'double', default: 0 })
  progress: number & Opt = 0;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  completedAt?: Date | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  cancelledAt?: Date | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  lastReportAt?: Date | null;

  /** The row's reference in the spreadsheet it was imported from; a re-import finds the task by it. */
  @Property({ type: 'string', length: 100, nullable: true })
  externalRef?: string | null;
  /**
   * Approval levels for reports of this task and every task below it that sets none; null takes
   * the nearest task above's, else the plan's (`task_approval_levels` in SQL).
   */
  @Property({ type: 'smallint', nullable: true })
  approvalLevels?: number | null;
  /** Periodic reporting (tasks/report-schedule.ts): how often the lead unit reports; null for none. */
  @Property({ type: 'text', nullable: true })
  reportFrequency?: ReportFrequency | null;

  /** Days after a period ends by which its report is due; set exactly when `reportFrequency` is. */
  @Property({ type: 'integer', nullable: true })
  reportDueDays?: number | null;

  /** Optimistic concurrency: every edit must name the version it was based on. */
  @Property({ type: 'integer', version: true, default: 1 })
  version: number & Opt = 1;
}
