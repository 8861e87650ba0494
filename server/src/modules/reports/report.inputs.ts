import { Field, Float, ID, InputType } from 'type-graphql';

export const NARRATIVE_MAX = 10_000;
export const OBSTACLES_MAX = 5_000;
export const COMMENT_MAX = 2_000;
/** How far ahead of the server's clock a device may date a report. */
export const FUTURE_SKEW_MS = 10 * 60 * 1000;

@InputType()
export class IndicatorValueInput {
  @Field(() => ID)
  indicatorId!: string;

  @Field(() => Float)
  value!: number;
}

@InputType({ description: 'A progress report as written on the device' })
export class SubmitReportInput {
  @Field(() => ID, { description: 'A UUID made on the device: sending the same id again stores nothing new' })
  id!: string;

  @Field(() => ID)
  taskId!: string;

  @Field(() => Float, { description: '0–100' })
  percent!: number;

  @Field(() => [IndicatorValueInput], { defaultValue: [] })
  values!: IndicatorValueInput[];

  @Field(() => String, { nullable: true })
  narrative?: string | null;

  @Field(() => Boolean, { defaultValue: false })
  hasObstacles: boolean = false;

  @Field(() => String, { nullable: true })
  obstacles?: string | null;

  @Field(() => Date, { description: 'When it was written, by the device clock' })
  writtenAt!: Date;

  @Field(() => String, {
    nullable: true,
    description:
      'The period reported on (2026-11, 2026-Q4, 2026-H2, 2026), on a task with a reporting schedule; when left out the last period ended by writtenAt',
  })
  periodKey?: string | null;

  @Field(() => ID, { nullable: true, description: 'The returned report this one answers' })
  answersReportId?: string | null;
}
