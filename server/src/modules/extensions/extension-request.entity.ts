import { Entity, Enum, ManyToOne, PrimaryKey, Property, type Opt, type Ref } from '@mikro-orm/core';
import { Account } from '../accounts/account.entity.js';
import { Task } from '../tasks/task.entity.js';

export enum ExtensionState {
  PENDING = 'PENDING',
  APPROVED = 'APPROVED',
  REFUSED = 'REFUSED',
}

/**
 * A lead unit's request for a later due date, with its reason, and the assigning unit's decision
 * (set once). Its id is made on the device, so sending it twice stores it once.
 */
@Entity({ tableName: 'task_extension_request' })
export class ExtensionRequest {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @ManyToOne(() => Task, { ref: true, deleteRule: 'cascade' })
  task!: Ref<Task>;

  @ManyToOne(() => Account, { ref: true, deleteRule: 'restrict' })
  requestedBy!: Ref<Account>;

  /** The lead unit that asked, as it was then. */
  @Property({ type: 'text' })
  requesterUnitPath!: string;

  /** The task's due date when the request was made. */
  @Property({ type: 'date', nullable: true })
  previousDueOn?: string | null;

  @Property({ type: 'date' })
  requestedDueOn!: string;

  @Property({ type: 'text' })
  reason!: string;

  /** Device time the request was made (corrected for clock skew at push); shown only. */
  @Property({ type: 'datetime', columnType: 'timestamptz' })
  writtenAt!: Date;

  /** Server time it arrived: the wait for a decision is counted from it. */
  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  requestedAt: Date & Opt = new Date();

  @Enum({ items: () => ExtensionState, type: 'string', length: 16, default: ExtensionState.PENDING })
  state: ExtensionState & Opt = ExtensionState.PENDING;

  @ManyToOne(() => Account, { ref: true, nullable: true, deleteRule: 'restrict' })
  decidedBy?: Ref<Account> | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  decidedAt?: Date | null;

  @Property({ type: 'text', nullable: true })
  decisionComment?: string | null;
}
