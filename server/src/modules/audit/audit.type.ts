import { GraphQLJSON } from 'graphql-scalars';
import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { ConnectionType } from '../../common/pagination.js';

@ObjectType('AuditEvent', { description: 'One recorded change: who, from which unit, when, what, before and after' })
export class AuditEventType {
  @Field(() => ID)
  id!: string;

  @Field(() => Date)
  at!: Date;

  @Field(() => String, { description: 'For example auth.sign_in, account.created, unit.moved' })
  action!: string;

  @Field(() => String)
  entityType!: string;

  @Field(() => String, { nullable: true })
  entityId?: string | null;

  @Field(() => ID, { nullable: true, description: 'The acting account, to filter by (null for a failed sign-in)' })
  actorAccountId?: string | null;

  @Field(() => String, { nullable: true, description: 'Username of the actor (as typed, for a failed sign-in)' })
  actorUsername?: string | null;

  @Field(() => GraphQLJSON, { nullable: true })
  before?: unknown;

  @Field(() => GraphQLJSON, { nullable: true })
  after?: unknown;
}

export const AuditEventConnection = ConnectionType('AuditEvent', AuditEventType);

@InputType()
export class AuditEventFilter {
  @Field(() => ID, { nullable: true, description: 'Events of this unit and below; your own unit when omitted' })
  unitId?: string | null;

  @Field(() => [String], { nullable: true })
  actions?: string[] | null;

  @Field(() => String, { nullable: true })
  entityType?: string | null;

  @Field(() => String, { nullable: true })
  entityId?: string | null;

  @Field(() => ID, { nullable: true })
  actorAccountId?: string | null;

  @Field(() => Date, { nullable: true })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Exclusive' })
  to?: Date | null;
}
