import { Entity, ManyToOne, PrimaryKeyProp, Property, type Ref } from '@mikro-orm/core';
import { Indicator } from '../indicators/indicator.entity.js';
// By name and type only: progress-report.entity.ts imports this file for its values collection,
// and a value import back would be an import cycle.
import type { ProgressReport } from './progress-report.entity.js';

/** The value a report gives for one indicator of its task. */
@Entity({ tableName: 'report_indicator_value' })
export class ReportIndicatorValue {
  [PrimaryKeyProp]?: ['report', 'indicator'];

  @ManyToOne('ProgressReport', { primary: true, ref: true, deleteRule: 'cascade' })
  report!: Ref<ProgressReport>;

  @ManyToOne(() => Indicator, { primary: true, ref: true, deleteRule: 'restrict' })
  indicator!: Ref<Indicator>;

  @Property({ type: 'double' })
  value!: number;

  /** The period of the indicator's own schedule the value counts for; null when it has none. */
  @Property({ type: 'text', nullable: true })
  periodKey?: string | null;
}
