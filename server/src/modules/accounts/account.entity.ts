import { Entity, Index, ManyToOne, Property, type Ref, type Opt } from '@mikro-orm/core';
import { BaseEntity } from '../../common/base.entity.js';
import { Unit } from '../organisations/unit.entity.js';
import { Role } from './role.js';

@Entity({ tableName: 'account' })
export class Account extends BaseEntity {
  /** Stored lower-case; unique. */
  @Property({ type: 'string', length: 64, unique: true })
  username!: string;

  @Property({ type: 'string', length: 255 })
  displayName!: string;

  @ManyToOne(() => Unit, { ref: true, deleteRule: 'restrict' })
  @Index()
  unit!: Ref<Unit>;

  @Property({ type: 'text[]' })
  roles: Role[] & Opt = [];

  @Property({ type: 'text', hidden: true, lazy: true })
  passwordHash!: string;

  /** SHA-256 of the one-time activation code of an imported account, until it sets a password. */
  @Property({ type: 'string', length: 64, columnType: 'char(64)', nullable: true, hidden: true, lazy: true })
  activationCodeHash?: string | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  activationExpiresAt?: Date | null;

  @Property({ type: 'boolean', default: true })
  mustChangePassword: boolean & Opt = true;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  disabledAt?: Date | null;

  @Property({ type: 'integer', default: 0 })
  failedAttempts: number & Opt = 0;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  lockedUntil?: Date | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  lastSignInAt?: Date | null;
}
