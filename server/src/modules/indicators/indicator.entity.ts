import { Entity, Enum, Index, ManyToOne, Property, type Ref, type Opt } from '@mikro-orm/core';
import { registerEnumType } from 'type-graphql';
import { BaseEntity } from '../../common/base.entity.js';
import type { ReportFrequency } from '../tasks/report-schedule.js';
import { Task } from '../tasks/task.entity.js';

export enum IndicatorDirection {
  HIGHER_IS_BETTER = 'HIGHER_IS_BETTER',
  LOWER_IS_BETTER = 'LOWER_IS_BETTER',
}
registerEnumType(IndicatorDirection, { name: 'IndicatorDirection' });

/** A measurable target of a task. `currentValue` comes from the latest approved report. */
@Entity({ tableName: 'indicator' })
export class Indicator extends BaseEntity {
  @ManyToOne(() => Task, { ref: true, deleteRule: 'cascade' })
  @Index()
  task!: Ref<Task>;

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'string', length: 64 })
  unitOfMeasure!: string;

  @Property({ type: 'double', default: 0 })
  baseline: number & Opt = 0;

  @Property({ type: 'double' })
  target!: number;

  @Enum({ items: () => IndicatorDirection, nativeEnumName: 'indicator_direction' })
  direction: IndicatorDirection & Opt = IndicatorDirection.HIGHER_IS_BETTER;

  @Property({ type: 'date', nullable: true })
  dueOn?: string | null;

  @Property({ type: 'double', nullable: true })
  currentValue?: number | null;

  /** Its own reporting schedule (tasks/report-schedule.ts), apart from the task's; null for none. */
  @Property({ type: 'text', nullable: true })
  reportFrequency?: ReportFrequency | null;

  /** Days after a period ends by which its value is due; set exactly when `reportFrequency` is. */
  @Property({ type: 'integer', nullable: true })
  reportDueDays?: number | null;

  @Property({ type: 'integer', version: true, default: 1 })
  version: number & Opt = 1;
}
