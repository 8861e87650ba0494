import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { ConnectionType } from '../../common/pagination.js';
import { ReportState } from './report.enums.js';

@ObjectType('IndicatorValue', { simpleResolvers: true })
export class IndicatorValueType {
  @Field(() => ID)
  indicatorId!: string;

  @Field(() => Float)
  value!: number;

  @Field(() => String, {
    nullable: true,
    description: 'The period of the indicator’s own schedule the value counts for; null when it had none',
  })
  periodKey?: string | null;
}

@ObjectType('ProgressReport', { description: 'Append-only; a correction is a new report', simpleResolvers: true })
export class ProgressReportType {
  @Field(() => ID, { description: 'Made on the device' })
  id!: string;

  @Field(() => Float)
  percent!: number;

  @Field(() => String, { nullable: true })
  narrative?: string | null;

  @Field(() => Boolean)
  hasObstacles!: boolean;

  @Field(() => String, { nullable: true })
  obstacles?: string | null;

  @Field(() => Date, { description: 'When the device says it was written' })
  writtenAt!: Date;

  @Field(() => Date, { description: 'When the server received it' })
  receivedAt!: Date;

  @Field(() => String, {
    nullable: true,
    description: 'The reporting period (2026-11, 2026-Q4, 2026-H2, 2026); null on unscheduled tasks',
  })
  periodKey?: string | null;

  @Field(() => Boolean, { description: 'The task was reassigned while this report was on its way' })
  flaggedReassigned!: boolean;

  @Field(() => ReportState)
  state!: ReportState;

  @Field(() => Date, { nullable: true })
  reviewedAt?: Date | null;

  @Field(() => String, { nullable: true })
  reviewComment?: string | null;

  @Field(() => Int, {
    description:
      'Levels that have approved it; below approvalLevels while SUBMITTED means approved at a lower level, not yet final',
  })
  approvedLevels!: number;
}

@ObjectType('ReportApproval', { description: 'One level’s decision on a report' })
export class ReportApprovalType {
  @Field(() => Int, { description: '1 is the first level above the reporting unit' })
  level!: number;

  @Field(() => ReportState, { description: 'APPROVED or RETURNED' })
  decision!: ReportState;

  @Field(() => Date)
  decidedAt!: Date;

  @Field(() => Float, { description: 'Hours the report waited at this level' })
  waitedHours!: number;

  @Field(() => String, { nullable: true })
  comment!: string | null;

  @Field(() => String, { description: 'Kind of the reviewing unit (data, e.g. COMMUNE, PROVINCE)' })
  reviewerUnitKind!: string;

  @Field(() => String, { nullable: true, description: 'The reviewing unit’s name, when within your subtree' })
  reviewerUnitName!: string | null;
}

export const ProgressReportConnection = ConnectionType('ProgressReport', ProgressReportType);
