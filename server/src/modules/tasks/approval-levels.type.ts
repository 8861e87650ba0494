import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ApprovalLevelsSource } from './task.loaders.js';

registerEnumType(ApprovalLevelsSource, {
  name: 'ApprovalLevelsSource',
  description: 'Where a task’s approval levels are set: on the task, on a task above it, or on its plan',
});

@ObjectType('EffectiveApprovalLevels', {
  simpleResolvers: true,
  description: 'How many levels approve a new report of the task, and where that is set (docs/WORKFLOW.md, "Approval levels")',
})
export class EffectiveApprovalLevelsType {
  @Field(() => Int, { description: '1–5; a report is also capped by the units up to the root' })
  levels!: number;

  @Field(() => ApprovalLevelsSource)
  source!: ApprovalLevelsSource;

  @Field(() => ID, { nullable: true, description: 'The task whose setting applies; null when it is the plan’s' })
  fromTaskId!: string | null;

  @Field(() => String, { nullable: true, description: 'Its title (titles of the tasks above are shown for context)' })
  fromTaskTitle!: string | null;
}
