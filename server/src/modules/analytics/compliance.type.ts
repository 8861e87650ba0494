import { LocalDateResolver } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { UnitType } from '../organisations/unit.type.js';
import { PeriodReportStatus } from './compliance.service.js';

registerEnumType(PeriodReportStatus, { name: 'PeriodReportStatus', description: 'How a due period was reported' });

@ObjectType('ComplianceFigures', {
  simpleResolvers: true,
  description: 'Due reports of scheduled tasks and indicators: received on time, late, or missing',
})
export class ComplianceFiguresType {
  @Field(() => Int) onTime!: number;
  @Field(() => Int) late!: number;
  @Field(() => Int, { description: 'Periods past their due date with no report' }) missing!: number;
  @Field(() => Int, { description: 'onTime + late + missing' }) due!: number;
  @Field(() => Float, { nullable: true, description: 'onTime / due, 0–1; null when nothing was due' })
  onTimeRate!: number | null;
}

@ObjectType('UnitCompliance', { simpleResolvers: true })
export class UnitComplianceType {
  @Field(() => UnitType) unit!: UnitType;
  @Field(() => Boolean, { description: 'The line of tasks led by the unit itself' }) own!: boolean;
  @Field(() => ComplianceFiguresType) figures!: ComplianceFiguresType;
}

@ObjectType('CompliancePeriod', {
  simpleResolvers: true,
  description: 'One period of a scheduled task, or of an indicator’s own schedule, and how it was reported',
})
export class CompliancePeriodType {
  @Field(() => ID) taskId!: string;
  @Field(() => String) taskTitle!: string;
  @Field(() => ID, { nullable: true, description: 'The indicator, for a period of its own schedule; null for the task’s' })
  indicatorId!: string | null;
  @Field(() => String, { nullable: true }) indicatorName!: string | null;
  @Field(() => UnitType, { description: 'The lead unit' }) unit!: UnitType;
  @Field(() => String, { description: '2026-11, 2026-Q4, 2026-H2 or 2026' }) periodKey!: string;
  @Field(() => LocalDateResolver) dueOn!: string;
  @Field(() => LocalDateResolver, { nullable: true, description: 'The day the first report for it arrived' })
  receivedOn!: string | null;
  @Field(() => PeriodReportStatus) status!: PeriodReportStatus;
}

@ObjectType('ReportingCompliance', { simpleResolvers: true })
export class ReportingComplianceType {
  @Field(() => LocalDateResolver, { description: 'The day (Vietnam) the figures are computed for' }) today!: string;
  @Field(() => ComplianceFiguresType) total!: ComplianceFiguresType;
  @Field(() => [UnitComplianceType], { description: 'Per child unit, and the unit’s own tasks, for drill-down' })
  byUnit!: UnitComplianceType[];
  @Field(() => [CompliancePeriodType], { description: 'Missing, then late periods, latest due first (at most 200)' })
  problems!: CompliancePeriodType[];
}
