import { randomUUID } from 'node:crypto';
import { Entity, Index, ManyToOne, PrimaryKey, Property, type Opt, type Ref } from '@mikro-orm/core';
import { Account } from '../accounts/account.entity.js';

/**
 * One browser's Web Push subscription, registered by one sign-in on that device. Removed when that
 * sign-in ends (sign-out), when the push service says the subscription is gone (404/410), and
 * replaced when another account registers the same endpoint.
 */
@Entity({ tableName: 'push_subscription' })
export class PushSubscription {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  @Index()
  account!: Ref<Account>;

  /** The sign-in (refresh-token family) that registered it. */
  @Property({ type: 'uuid' })
  @Index()
  familyId!: string;

  @Property({ type: 'text', unique: true })
  endpoint!: string;

  /** The browser's P-256 public key and auth secret (base64url), to encrypt each payload to it. */
  @Property({ type: 'string', length: 128 })
  p256dh!: string;

  @Property({ type: 'string', length: 64 })
  auth!: string;

  /** SHA-256 (hex) of the notice key the device's service worker reads its notices with. */
  @Property({ type: 'string', length: 64, nullable: true, hidden: true })
  readKeyHash?: string | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  lastSentAt?: Date | null;
}
