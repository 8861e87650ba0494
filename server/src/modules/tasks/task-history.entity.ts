import { BigIntType, Entity, ManyToOne, PrimaryKey, Property, type Opt, type Ref } from '@mikro-orm/core';
import { Account } from '../accounts/account.entity.js';
import { Task } from './task.entity.js';

/** Append-only record of a change to a task or one of its indicators, with the reason given. */
@Entity({ tableName: 'task_history' })
export class TaskHistory {
  // An explicit mode: without decorator metadata (tsx) a bare 'bigint' reads as a JS BigInt, which
  // the GraphQL ID scalar cannot serialise.
  @PrimaryKey({ type: new BigIntType('string'), autoincrement: true })
  id!: string & Opt;

  @ManyToOne(() => Task, { ref: true, deleteRule: 'cascade' })
  task!: Ref<Task>;

  @Property({ type: 'uuid', nullable: true })
  indicatorId?: string | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  at: Date & Opt = new Date();

  @ManyToOne(() => Account, { ref: true, nullable: true, deleteRule: 'restrict', fieldName: 'actor_account_id' })
  actor?: Ref<Account> | null;

  /** CREATED, UPDATED, REASSIGNED, RESCHEDULED, CANCELLED, COMPLETED, INDICATOR_CREATED… */
  @Property({ type: 'string', length: 32 })
  kind!: string;

  @Property({ type: 'text', nullable: true })
  reason?: string | null;

  @Property({ type: 'json', nullable: true })
  before?: Record<string, unknown> | null;

  @Property({ type: 'json', nullable: true })
  after?: Record<string, unknown> | null;
}
