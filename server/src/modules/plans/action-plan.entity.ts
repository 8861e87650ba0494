import { Entity, Index, ManyToOne, Property, type Opt, type Ref } from '@mikro-orm/core';
import { BaseEntity } from '../../common/base.entity.js';
import { Unit } from '../organisations/unit.entity.js';
import { Resolution } from '../resolutions/resolution.entity.js';

/** One unit's plan for carrying out one resolution over a period. */
@Entity({ tableName: 'action_plan' })
@Index({ properties: ['resolution', 'ownerUnit'] })
export class ActionPlan extends BaseEntity {
  @ManyToOne(() => Resolution, { ref: true, deleteRule: 'restrict' })
  resolution!: Ref<Resolution>;

  @ManyToOne(() => Unit, { ref: true, deleteRule: 'restrict' })
  ownerUnit!: Ref<Unit>;

  @Property({ type: 'text' })
  title!: string;

  @Property({ type: 'date' })
  periodStart!: string;

  @Property({ type: 'date' })
  periodEnd!: string;

  /** ORIGINAL or EXTENDED: what a completion of the plan's tasks is measured against (docs/WORKFLOW.md). */
  @Property({ type: 'string', length: 16, default: 'EXTENDED' })
  onTimeRule: string & Opt = 'EXTENDED';
  /** Levels of units that approve a report of this plan's tasks, from the first reviewer up (1–5). */
  @Property({ type: 'smallint', default: 1 })
  approvalLevels: number & Opt = 1;
}
