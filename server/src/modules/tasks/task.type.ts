import { LocalDateResolver } from 'graphql-scalars';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType } from '../../common/pagination.js';
import { FiveClear } from './task-status.js';
import { TaskPriority } from './task.enums.js';
import { ReportScheduleType } from './report-schedule.type.js';

registerEnumType(FiveClear, {
  name: 'FiveClear',
  description: 'The "five clears": clear task, person, responsibility, time and result',
});

// Plain properties read by graphql's default resolver, without type-graphql's per-field wrapper
// (the SDL is the same); the computed fields are TaskResolver's field resolvers.
@ObjectType('Task', { simpleResolvers: true })
export class TaskType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  title!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => Int, { description: 'Number of ancestor tasks' })
  depth!: number;

  @Field(() => String, { nullable: true })
  responsiblePerson?: string | null;

  @Field(() => String, { nullable: true })
  expectedResult?: string | null;

  @Field(() => LocalDateResolver, { nullable: true })
  startOn?: string | null;

  @Field(() => LocalDateResolver, { nullable: true })
  dueOn?: string | null;

  @Field(() => TaskPriority)
  priority!: TaskPriority;

  @Field(() => Float, { description: 'Relative weight in the parent task’s progress' })
  weight!: number;

  @Field(() => Int, {
    nullable: true,
    description: 'Approval levels set on this task for its subtree; null takes the task above’s, else the plan’s',
  })
  approvalLevels?: number | null;

  @Field(() => Float, { description: 'Latest approved progress or the weighted rollup of sub-tasks, 0–100' })
  progress!: number;

  @Field(() => Date, { nullable: true })
  completedAt?: Date | null;

  @Field(() => Date, { nullable: true })
  cancelledAt?: Date | null;

  @Field(() => Date, { nullable: true })
  lastReportAt?: Date | null;

  @Field(() => ReportScheduleType, {
    nullable: true,
    description: 'The periodic reporting schedule; null when reports come at will',
  })
  reportSchedule?: ReportScheduleType | null;

  @Field(() => Int, { description: 'Send back with every edit; a stale one answers CONFLICT' })
  version!: number;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;
}

@ObjectType('TaskAncestor', {
  description: 'Title of a task above, shown for context even outside scope',
  simpleResolvers: true,
})
export class TaskAncestorType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  title!: string;

  @Field(() => Int)
  depth!: number;

  @Field(() => Boolean, { description: 'Within your scope: you may open it; otherwise only its title is shown' })
  readable!: boolean;
}

export const TaskConnection = ConnectionType('Task', TaskType);

@ObjectType('TaskHistoryEntry', { description: 'One change to a task or one of its indicators' })
export class TaskHistoryType {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'CREATED, UPDATED, REASSIGNED, RESCHEDULED, CANCELLED, INDICATOR_…' })
  kind!: string;

  @Field(() => Date)
  at!: Date;

  @Field(() => ID, { nullable: true })
  indicatorId?: string | null;

  @Field(() => String, { nullable: true })
  reason?: string | null;

  @Field(() => GraphQLJSONObject, { nullable: true })
  before?: Record<string, unknown> | null;

  @Field(() => GraphQLJSONObject, { nullable: true })
  after?: Record<string, unknown> | null;

  @Field(() => String, { nullable: true, description: 'Who made the change, when within your subtree' })
  actorName?: string | null;
}

export const TaskHistoryConnection = ConnectionType('TaskHistoryEntry', TaskHistoryType);
