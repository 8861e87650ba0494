import { LocalDateResolver } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
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

  @Field(() => Int, { description: 'Levels of units that approve a report of its tasks, from the first reviewer up' })
  approvalLevels!: number;
}

export const ActionPlanConnection = ConnectionType('ActionPlan', ActionPlanType);
