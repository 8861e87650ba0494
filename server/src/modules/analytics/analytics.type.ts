import { LocalDateResolver } from 'graphql-scalars';
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { UnitType } from '../organisations/unit.type.js';
import { TaskStatus } from '../tasks/task.enums.js';

@ObjectType('StatusCount', { simpleResolvers: true })
export class StatusCountType {
  @Field(() => TaskStatus)
  status!: TaskStatus;

  @Field(() => Int)
  count!: number;
}

@ObjectType('IndicatorAchievement', {
  simpleResolvers: true,
  description: 'Targets of the tasks (cancelled ones left out), current vs target',
})
export class IndicatorAchievementType {
  @Field(() => Int)
  count!: number;

  @Field(() => Int, { description: 'Indicators with a current value' })
  withValue!: number;

  @Field(() => Int, { description: 'Indicators whose current value meets the target in its direction' })
  achieved!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Mean share of the way from baseline to target (0–1) over indicators with a value',
  })
  averageAchievement!: number | null;
}

@ObjectType('AnalyticsSummary', { simpleResolvers: true })
export class AnalyticsSummaryType {
  @Field(() => Int)
  total!: number;

  @Field(() => [StatusCountType], { description: 'Every derived status, zeros included' })
  byStatus!: StatusCountType[];

  @Field(() => Float, { nullable: true, description: 'Completed ÷ (total − cancelled)' })
  completionRate!: number | null;

  @Field(() => Float, { nullable: true, description: 'Completed on time ÷ (completed + overdue)' })
  onTimeRate!: number | null;

  @Field(() => Float, { nullable: true, description: 'Completed late ÷ completed' })
  lateCompletionRate!: number | null;

  @Field(() => Float, { nullable: true, description: 'Mean progress of tasks not cancelled; completed count as 100' })
  averageProgress!: number | null;

  @Field(() => IndicatorAchievementType)
  indicators!: IndicatorAchievementType;
}

@ObjectType('UnitAnalytics', { simpleResolvers: true })
export class UnitAnalyticsType {
  @Field(() => UnitType)
  unit!: UnitType;

  @Field(() => Boolean, { description: 'True for the line of tasks led by the unit itself rather than by a unit below' })
  own!: boolean;

  @Field(() => AnalyticsSummaryType)
  summary!: AnalyticsSummaryType;
}

@ObjectType('TrendPoint', { simpleResolvers: true, description: 'One week, Monday to Sunday, Vietnam time' })
export class TrendPointType {
  @Field(() => LocalDateResolver)
  weekStart!: string;

  @Field(() => Int)
  reportsReceived!: number;

  @Field(() => Int)
  reportsWithObstacles!: number;

  @Field(() => Int)
  completedOnTime!: number;

  @Field(() => Int)
  completedLate!: number;
}

@ObjectType('UnitScore', { simpleResolvers: true, description: 'How a unit’s score was computed, every part shown' })
export class UnitScoreType {
  @Field(() => Float, { nullable: true, description: '0–100; null when there are neither ratings nor due work' })
  score!: number | null;

  @Field(() => Int)
  rated!: number;

  @Field(() => Int)
  doneWell!: number;

  @Field(() => Int)
  done!: number;

  @Field(() => Int)
  notDone!: number;

  @Field(() => Float, { nullable: true, description: '(2·doneWell + 1·done) ÷ (2·rated)' })
  ratingScore!: number | null;

  @Field(() => Float, { nullable: true })
  onTimeRate!: number | null;

  @Field(() => Float, { description: 'Weight of the rating part after leaving out a missing part' })
  ratingWeight!: number;

  @Field(() => Float)
  onTimeWeight!: number;

  @Field(() => String)
  formula!: string;
}

@ObjectType('RankedUnit', { simpleResolvers: true })
export class RankedUnitType extends UnitAnalyticsType {
  @Field(() => Int)
  rank!: number;

  @Field(() => UnitScoreType)
  score!: UnitScoreType;
}

@ObjectType('UnitSyncHealth', { simpleResolvers: true, description: 'How recently and how late a unit’s reports arrive' })
export class UnitSyncHealthType {
  @Field(() => UnitType)
  unit!: UnitType;

  @Field(() => Boolean)
  own!: boolean;

  @Field(() => Int, { description: 'Reports received in the window' })
  reports!: number;

  @Field(() => Float, { nullable: true, description: 'Mean of receivedAt − writtenAt, hours' })
  averageLagHours!: number | null;

  @Field(() => Float, { nullable: true })
  maxLagHours!: number | null;

  @Field(() => Int, { description: 'Reports that arrived more than a day after they were written' })
  lateArrivals!: number;

  @Field(() => Date, { nullable: true })
  lastReceivedAt!: Date | null;

  @Field(() => Int, { description: 'Devices of accounts in the unit’s subtree that ever synced' })
  devices!: number;

  @Field(() => Date, { nullable: true, description: 'The last time any of those devices synced' })
  lastSyncAt!: Date | null;
}

@ObjectType('ApprovalLevelFigures', { simpleResolvers: true, description: 'One approval level of the reports of a subtree' })
export class ApprovalLevelFiguresType {
  @Field(() => Int, { description: '1 is the first level above the reporting unit' })
  level!: number;

  @Field(() => Int, { description: 'Reports waiting at this level now' })
  waiting!: number;

  @Field(() => Int, { description: 'Decisions taken at this level in the last 90 days' })
  decided!: number;

  @Field(() => Int, { description: 'Of those, returns' })
  returned!: number;

  @Field(() => Float, { nullable: true, description: 'Mean hours a report waited at this level before its decision' })
  averageLagHours!: number | null;

  @Field(() => Float, { nullable: true })
  maxLagHours!: number | null;
}

@ObjectType('ApprovalPipeline', {
  simpleResolvers: true,
  description: 'Where the reports of a subtree stand in their approval chain; only final approvals count in progress',
})
export class ApprovalPipelineType {
  @Field(() => Int, { description: 'Submitted, no level has approved them yet' })
  awaitingFirstLevel!: number;

  @Field(() => Int, { description: 'Approved at a lower level, not yet final: not counted in progress' })
  approvedNotFinal!: number;

  @Field(() => [ApprovalLevelFiguresType], { description: 'Level by level, first level first' })
  levels!: ApprovalLevelFiguresType[];
}
