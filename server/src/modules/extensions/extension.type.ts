import { LocalDateResolver } from 'graphql-scalars';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType } from '../../common/pagination.js';
import { ExtensionState } from './extension-request.entity.js';

registerEnumType(ExtensionState, {
  name: 'ExtensionState',
  description: 'A deadline-extension request: waiting for the assigning unit, approved, or refused with a comment',
});

export enum OnTimeRule {
  ORIGINAL = 'ORIGINAL',
  EXTENDED = 'EXTENDED',
}
registerEnumType(OnTimeRule, {
  name: 'OnTimeRule',
  description: 'Whether a completion counts as on time against the original due date or the extended one',
});

@ObjectType('ExtensionRequest', { description: 'A request for a later due date and its decision' })
export class ExtensionRequestType {
  @Field(() => ID) id!: string;
  @Field(() => ID) taskId!: string;
  @Field(() => String) taskTitle!: string;
  @Field(() => ID) unitId!: string;
  @Field(() => String) unitName!: string;
  @Field(() => String, { nullable: true }) requestedByName!: string | null;
  @Field(() => LocalDateResolver, { nullable: true, description: 'The due date when it was asked' })
  previousDueOn!: string | null;
  @Field(() => LocalDateResolver) requestedDueOn!: string;
  @Field(() => String) reason!: string;
  @Field(() => Date) writtenAt!: Date;
  @Field(() => Date) requestedAt!: Date;
  @Field(() => ExtensionState) state!: ExtensionState;
  @Field(() => String, { nullable: true }) decidedByName!: string | null;
  @Field(() => Date, { nullable: true }) decidedAt!: Date | null;
  @Field(() => String, { nullable: true }) decisionComment!: string | null;
  @Field(() => Boolean, { description: 'The viewer may approve or refuse it now' }) canDecide!: boolean;
}

export const ExtensionRequestConnection = ConnectionType('ExtensionRequest', ExtensionRequestType);

@ObjectType('TaskDueDates', { description: 'A task’s due dates and the rule its completion is measured by' })
export class TaskDueDatesType {
  @Field(() => LocalDateResolver, { nullable: true, description: 'The working due date (extended when approved)' })
  dueOn!: string | null;
  @Field(() => LocalDateResolver, {
    nullable: true,
    description: 'Before the first approved extension; null when never extended',
  })
  originalDueOn!: string | null;
  @Field(() => OnTimeRule) onTimeRule!: OnTimeRule;
  @Field(() => LocalDateResolver, { nullable: true, description: 'The date a completion is measured against' })
  onTimeDueOn!: string | null;
}

@ObjectType('PlanOnTimeRule', { description: 'The on-time rule of one plan' })
export class PlanOnTimeRuleType {
  @Field(() => ID) planId!: string;
  @Field(() => String) planTitle!: string;
  @Field(() => String) ownerUnitName!: string;
  @Field(() => OnTimeRule) rule!: OnTimeRule;
}
