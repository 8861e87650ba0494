import { LocalDateResolver } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { ConnectionType } from '../../common/pagination.js';

@ObjectType('ActionPlan', { description: "One unit's plan for carrying out one resolution" })
export class ActionPlanType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  title!: string;

  @Field(() => LocalDateResolver)
  periodStart!: string;

  @Field(() => LocalDateResolver)
  periodEnd!: string;
}

export const ActionPlanConnection = ConnectionType('ActionPlan', ActionPlanType);
