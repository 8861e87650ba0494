import { Entity, Index, ManyToOne, PrimaryKey, Property, type Ref, type Opt } from '@mikro-orm/core';
import { Account } from './account.entity.js';

/**
 * A refresh token, stored by its hash. Each use rotates it; a rotated token used again means
 * it was stolen, and the whole family (one sign-in on one device) is revoked.
 */
@Entity({ tableName: 'refresh_token' })
export class RefreshToken {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'string', length: 64, unique: true })
  tokenHash!: string;

  @Property({ type: 'uuid' })
  @Index()
  familyId!: string;

  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  @Index()
  account!: Ref<Account>;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  issuedAt: Date & Opt = new Date();

  /** When the sign-in began; carried over on rotation. The absolute cap counts from here. */
  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  signedInAt: Date & Opt = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  expiresAt!: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  rotatedAt?: Date | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  revokedAt?: Date | null;

  @Property({ type: 'string', length: 255, nullable: true })
  userAgent?: string | null;
}
