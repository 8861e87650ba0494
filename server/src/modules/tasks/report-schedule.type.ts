import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ReportFrequency } from './report-schedule.js';

registerEnumType(ReportFrequency, { name: 'ReportFrequency', description: 'How often a scheduled task is reported on' });

@ObjectType('ReportSchedule', { description: 'A report per period, due some days after the period ends' })
export class ReportScheduleType {
  @Field(() => ReportFrequency)
  frequency!: ReportFrequency;

  @Field(() => Int, { description: 'Days after the period’s last day by which its report is due' })
  dueDays!: number;
}

@InputType('ReportScheduleInput')
export class ReportScheduleInput {
  @Field(() => ReportFrequency)
  frequency!: ReportFrequency;

  @Field(() => Int, { description: '0–366 days after the period ends' })
  dueDays!: number;
}
