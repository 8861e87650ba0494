import { Entity, Enum, ManyToOne, Property, Unique, type Opt, type Ref } from '@mikro-orm/core';
import { BaseEntity } from '../../common/base.entity.js';
import { Account } from '../accounts/account.entity.js';
import { Resolution } from '../resolutions/resolution.entity.js';
import { Task } from '../tasks/task.entity.js';
import { EvaluationRating } from './score.js';

/**
 * A leader's rating of a task for one period. The lead unit's path and the resolution are
 * copied so rankings group ratings by subtree without a join; a CHECK keeps the rater above.
 */
@Entity({ tableName: 'task_evaluation' })
@Unique({ properties: ['task', 'period'] })
export class TaskEvaluation extends BaseEntity {
  @ManyToOne(() => Task, { ref: true, deleteRule: 'cascade' })
  task!: Ref<Task>;

  /** 2026, 2026-H2, 2026-Q4 or 2026-11. */
  @Property({ type: 'string', length: 16 })
  period!: string;

  @Enum({ items: () => EvaluationRating, nativeEnumName: 'evaluation_rating' })
  rating!: EvaluationRating;

  @Property({ type: 'text', nullable: true })
  comment?: string | null;

  @ManyToOne(() => Account, { ref: true, deleteRule: 'restrict' })
  rater!: Ref<Account>;

  @Property({ type: 'text' })
  raterUnitPath!: string;

  @Property({ type: 'text' })
  leadUnitPath!: string;

  @ManyToOne(() => Resolution, { ref: true, deleteRule: 'restrict' })
  resolution!: Ref<Resolution>;

  @Property({ type: 'integer', version: true, default: 1 })
  version: number & Opt = 1;
}
