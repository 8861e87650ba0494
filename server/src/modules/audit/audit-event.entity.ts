import { BigIntType, Entity, PrimaryKey, Property, Unique } from '@mikro-orm/core';

/**
 * Append-only record of a change. Appended unsealed; the derived worker links events into one
 * hash chain per chain key (the province, or "central").
 */
@Entity({ tableName: 'audit_event' })
@Unique({ properties: ['chainKey', 'chainSeq'] })
export class AuditEvent {
  // Explicitly strings: without decorator metadata (tsx) a bare 'bigint' reads as a JS BigInt,
  // which the GraphQL ID scalar cannot serialise.
  @PrimaryKey({ type: new BigIntType('string'), autoincrement: true })
  id!: string;

  @Property({ type: 'string', length: 64 })
  chainKey!: string;

  /** Null until the derived worker seals the event into its chain. */
  @Property({ type: new BigIntType('string'), nullable: true })
  chainSeq?: string | null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  at!: Date;

  @Property({ type: 'uuid', nullable: true })
  actorAccountId?: string | null;

  @Property({ type: 'string', length: 64, nullable: true })
  actorUsername?: string | null;

  @Property({ type: 'uuid', nullable: true })
  actorUnitId?: string | null;

  /** Path of the unit whose subtree may read this event. */
  @Property({ type: 'text', nullable: true })
  actorUnitPath?: string | null;

  @Property({ type: 'string', length: 64 })
  action!: string;

  @Property({ type: 'string', length: 64 })
  entityType!: string;

  @Property({ type: 'string', length: 64, nullable: true })
  entityId?: string | null;

  @Property({ type: 'json', nullable: true })
  before?: unknown;

  @Property({ type: 'json', nullable: true })
  after?: unknown;

  @Property({ type: 'string', length: 64, nullable: true })
  prevHash?: string | null;

  @Property({ type: 'string', length: 64, nullable: true })
  hash?: string | null;
}

/** The head of one audit chain, moved only by the derived worker as it seals events. */
@Entity({ tableName: 'audit_chain_head' })
export class AuditChainHead {
  @PrimaryKey({ type: 'string', length: 64 })
  chainKey!: string;

  @Property({ type: new BigIntType('string') })
  lastSeq!: string;

  @Property({ type: 'string', length: 64 })
  lastHash!: string;
}
