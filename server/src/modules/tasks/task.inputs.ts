import { LocalDateResolver } from 'graphql-scalars';
import { Field, ID, InputType, registerEnumType } from 'type-graphql';
import { MaxLength } from 'class-validator';
import { TaskStatus } from './task.enums.js';

export enum TaskOrder {
  DUE_ON = 'DUE_ON',
  CREATED_AT = 'CREATED_AT',
}
registerEnumType(TaskOrder, { name: 'TaskOrder', description: 'DUE_ON: soonest first, undated last; CREATED_AT: newest first' });

@InputType()
export class TaskFilter {
  @Field(() => ID, { nullable: true })
  resolutionId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Tasks led by this unit or any unit below it' })
  unitId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Direct sub-tasks of this task' })
  parentId?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Only tasks with no parent task' })
  rootsOnly?: boolean | null;

  @Field(() => [TaskStatus], { nullable: true })
  status?: TaskStatus[] | null;

  @Field(() => LocalDateResolver, { nullable: true })
  dueFrom?: string | null;

  @Field(() => LocalDateResolver, { nullable: true })
  dueTo?: string | null;

  @Field(() => String, { nullable: true, description: 'Words in the title' })
  @MaxLength(200)
  search?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Only tasks missing one of the five clears' })
  incompleteOnly?: boolean | null;
}
