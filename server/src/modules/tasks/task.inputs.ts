import { LocalDateResolver } from 'graphql-scalars';
import { Field, Float, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { MaxLength } from 'class-validator';
import { TaskPriority, TaskStatus } from './task.enums.js';
import { ReportScheduleInput } from './report-schedule.type.js';

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

  @Field(() => Boolean, {
    nullable: true,
    description: 'Only the top of your view: tasks whose parent task is none or one you cannot read',
  })
  topOfView?: boolean | null;

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

@InputType({ description: 'A new task of a plan, or a sub-task of a task assigned to your unit' })
export class CreateTaskInput {
  @Field(() => ID, { nullable: true, description: "Your unit's plan; a sub-task defaults to its parent's plan" })
  planId?: string | null;

  @Field(() => ID, { nullable: true, description: 'A task assigned to your unit, to decompose' })
  parentId?: string | null;

  @Field(() => String)
  title!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => ID, { description: 'Your unit or a unit below it' })
  leadUnitId!: string;

  @Field(() => [ID], { defaultValue: [] })
  coordinatingUnitIds?: string[];

  @Field(() => String, { nullable: true })
  responsiblePerson?: string | null;

  @Field(() => String, { nullable: true })
  expectedResult?: string | null;

  @Field(() => LocalDateResolver, { nullable: true })
  startOn?: string | null;

  @Field(() => LocalDateResolver, { nullable: true })
  dueOn?: string | null;

  @Field(() => TaskPriority, { nullable: true })
  priority?: TaskPriority | null;

  @Field(() => Float, { nullable: true, description: 'Relative weight in the parent’s progress; default 1' })
  weight?: number | null;

  @Field(() => Boolean, { defaultValue: false, description: 'Allow a due date after the parent task’s' })
  allowLaterThanParent: boolean = false;

  @Field(() => ReportScheduleInput, { nullable: true, description: 'Periodic reporting; none when omitted' })
  reportSchedule?: ReportScheduleInput | null;
}

@InputType({ description: 'Changed fields only; a field left out is kept' })
export class UpdateTaskInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int, { description: 'The version your copy was based on' })
  baseVersion!: number;

  @Field(() => String, { nullable: true })
  title?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => String, { nullable: true })
  responsiblePerson?: string | null;

  @Field(() => String, { nullable: true })
  expectedResult?: string | null;

  @Field(() => LocalDateResolver, { nullable: true })
  startOn?: string | null;

  @Field(() => LocalDateResolver, { nullable: true })
  dueOn?: string | null;

  @Field(() => TaskPriority, { nullable: true })
  priority?: TaskPriority | null;

  @Field(() => Float, { nullable: true })
  weight?: number | null;

  @Field(() => Boolean, { nullable: true })
  allowLaterThanParent?: boolean | null;

  @Field(() => ReportScheduleInput, { nullable: true, description: 'Periodic reporting; null removes the schedule' })
  reportSchedule?: ReportScheduleInput | null;
}

@InputType()
export class ReassignTaskInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  baseVersion!: number;

  @Field(() => ID)
  leadUnitId!: string;

  @Field(() => String)
  reason!: string;
}

@InputType({ description: 'Approval levels for reports of the task and its subtree' })
export class SetTaskApprovalLevelsInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  baseVersion!: number;

  @Field(() => Int, { nullable: true, description: '1–5; null takes the task above’s, else the plan’s' })
  approvalLevels!: number | null;

  @Field(() => String)
  reason!: string;
}

@InputType()
export class RescheduleTaskInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  baseVersion!: number;

  @Field(() => LocalDateResolver, { nullable: true })
  startOn?: string | null;

  @Field(() => LocalDateResolver)
  dueOn!: string;

  @Field(() => String)
  reason!: string;

  @Field(() => Boolean, { defaultValue: false })
  allowLaterThanParent: boolean = false;
}

@InputType()
export class CancelTaskInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  baseVersion!: number;

  @Field(() => String)
  reason!: string;
}
