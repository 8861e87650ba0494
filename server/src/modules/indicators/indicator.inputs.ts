import { LocalDateResolver } from 'graphql-scalars';
import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { ReportScheduleInput } from '../tasks/report-schedule.type.js';
import { IndicatorDirection } from './indicator.entity.js';

@InputType({ description: 'A measurable target of a task' })
export class CreateIndicatorInput {
  @Field(() => ID)
  taskId!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'For example "%", "hộ", "km"' })
  unitOfMeasure!: string;

  @Field(() => Float, { nullable: true })
  baseline?: number | null;

  @Field(() => Float)
  target!: number;

  @Field(() => IndicatorDirection, { nullable: true })
  direction?: IndicatorDirection | null;

  @Field(() => LocalDateResolver, { nullable: true })
  dueOn?: string | null;

  @Field(() => ReportScheduleInput, {
    nullable: true,
    description: 'A value per period, due some days after it ends; none when omitted',
  })
  reportSchedule?: ReportScheduleInput | null;

  @Field(() => String, { nullable: true, description: 'Required once the task has reports' })
  reason?: string | null;
}

@InputType({ description: 'Changed fields only; once the task has reports a reason is required' })
export class UpdateIndicatorInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  baseVersion!: number;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  unitOfMeasure?: string | null;

  @Field(() => Float, { nullable: true })
  baseline?: number | null;

  @Field(() => Float, { nullable: true })
  target?: number | null;

  @Field(() => IndicatorDirection, { nullable: true })
  direction?: IndicatorDirection | null;

  @Field(() => LocalDateResolver, { nullable: true })
  dueOn?: string | null;

  @Field(() => ReportScheduleInput, {
    nullable: true,
    description: 'The indicator’s own schedule; null removes it, omitted keeps it',
  })
  reportSchedule?: ReportScheduleInput | null;

  @Field(() => String, { nullable: true })
  reason?: string | null;
}
