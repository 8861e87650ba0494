import { Field, Float, ID, ObjectType } from 'type-graphql';
import { ConnectionType } from '../../common/pagination.js';
import { ReportState } from './report.enums.js';

@ObjectType('IndicatorValue')
export class IndicatorValueType {
  @Field(() => ID)
  indicatorId!: string;

  @Field(() => Float)
  value!: number;
}

@ObjectType('ProgressReport', { description: 'Append-only; a correction is a new report' })
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
}

export const ProgressReportConnection = ConnectionType('ProgressReport', ProgressReportType);
