import { LocalDateResolver } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType } from '../../common/pagination.js';
import { UnitType } from '../organisations/unit.type.js';
import { TaskType } from '../tasks/task.type.js';
import { WarningKind } from './warning-rules.js';
import { WarningOrder } from './warning.service.js';

registerEnumType(WarningKind, { name: 'WarningKind', description: 'Why a task or a reviewing unit needs attention' });
registerEnumType(WarningOrder, { name: 'WarningOrder' });

@ObjectType('WarningParams', {
  simpleResolvers: true,
  description: 'The figures behind a warning, for clients that word it themselves',
})
export class WarningParamsType {
  @Field(() => LocalDateResolver, { nullable: true })
  dueOn?: string | null;

  @Field(() => Int, { nullable: true })
  daysOverdue?: number;

  @Field(() => Int, { nullable: true })
  daysLeft?: number;

  @Field(() => Float, { nullable: true })
  progress?: number;

  @Field(() => Float, { nullable: true, description: 'Share of the time from start to due that has passed' })
  elapsedPercent?: number;

  @Field(() => Int, { nullable: true })
  daysSinceReport?: number;

  @Field(() => Boolean, { nullable: true })
  neverReported?: boolean;

  @Field(() => String, { nullable: true })
  obstacles?: string | null;

  @Field(() => Date, { nullable: true })
  reportedAt?: Date;

  @Field(() => Date, { nullable: true })
  returnedAt?: Date | null;

  @Field(() => String, { nullable: true })
  reviewComment?: string | null;

  @Field(() => LocalDateResolver, {
    nullable: true,
    description: 'Forecast: the day the reporting trend reaches 100 %; null when it does not rise',
  })
  projectedOn?: string | null;

  @Field(() => Int, { nullable: true })
  waitingReports?: number;

  @Field(() => Int, { nullable: true })
  oldestWaitingDays?: number;

  @Field(() => String, { nullable: true, description: 'Missed report: the latest period with no report (2026-11, 2026-Q4…)' })
  periodKey?: string;

  @Field(() => LocalDateResolver, { nullable: true, description: 'Missed report: when that period’s report was due' })
  periodDueOn?: string;

  @Field(() => Int, { nullable: true, description: 'Missed report: how many periods have no report' })
  missedPeriods?: number;

  @Field(() => ID, { nullable: true, description: 'Missed report of an indicator’s own schedule: the indicator' })
  indicatorId?: string;

  @Field(() => String, { nullable: true, description: 'Missed report of an indicator’s own schedule: its name' })
  indicatorName?: string;
}

@ObjectType('Warning', { simpleResolvers: true, description: 'Computed from the data, never typed in' })
export class WarningType {
  @Field(() => ID, {
    description: 'Kind and the task (or reviewing unit) it is about, and the indicator for an indicator’s missed report',
  })
  id!: string;

  @Field(() => WarningKind)
  kind!: WarningKind;

  @Field(() => Int, { description: '3 most urgent' })
  severity!: number;

  @Field(() => TaskType, { description: 'The task it is about; for a review bottleneck, the one waiting longest' })
  task!: TaskType;

  @Field(() => UnitType, { description: 'The lead unit, or the reviewing unit for a review bottleneck' })
  unit!: UnitType;

  @Field(() => WarningParamsType)
  params!: WarningParamsType;

  @Field(() => String, { description: 'The reason in Vietnamese' })
  messageVi!: string;

  @Field(() => String, { description: 'The reason in English' })
  messageEn!: string;
}

@ObjectType('WarningCount', { simpleResolvers: true })
export class WarningCountType {
  @Field(() => WarningKind)
  kind!: WarningKind;

  @Field(() => Int)
  count!: number;
}

export const WarningConnection = ConnectionType('Warning', WarningType);
