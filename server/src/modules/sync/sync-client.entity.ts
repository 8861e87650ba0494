import { BigIntType, Entity, ManyToOne, PrimaryKey, PrimaryKeyProp, Property, type Opt, type Ref } from '@mikro-orm/core';
import { Account } from '../accounts/account.entity.js';

/**
 * What one installed app (client id) did last for one account: the committee's "sync health".
 * Written by SyncService on every pull and push.
 */
@Entity({ tableName: 'sync_client' })
export class SyncClientRecord {
  [PrimaryKeyProp]?: ['clientId', 'account'];

  @PrimaryKey({ type: 'uuid' })
  clientId!: string;

  @ManyToOne(() => Account, { primary: true, ref: true, deleteRule: 'cascade' })
  account!: Ref<Account>;

  @Property({ type: 'integer' })
  protocolVersion!: number;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  firstSeenAt: Date & Opt = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  lastPullAt?: Date | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  lastPushAt?: Date | null;

  /** Entries applied (not counting ones answered ALREADY_APPLIED). Numbers, not JS BigInts, under tsx too. */
  @Property({ type: new BigIntType('number'), default: 0 })
  pushedEntries: number & Opt = 0;

  @Property({ type: new BigIntType('number'), default: 0 })
  rejectedEntries: number & Opt = 0;

  @Property({ type: 'string', length: 255, nullable: true })
  userAgent?: string | null;

  /** The account's unit path, kept by triggers (on insert and when the account changes unit) and by unit moves. */
  @Property({ type: 'text', lazy: true })
  unitPath!: string & Opt;
}
