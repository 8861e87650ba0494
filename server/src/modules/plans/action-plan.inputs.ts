import { LocalDateResolver } from 'graphql-scalars';
import { Field, ID, InputType, Int } from 'type-graphql';

@InputType({ description: "Your unit's plan for carrying out one resolution" })
export class CreateActionPlanInput {
  @Field(() => ID)
  resolutionId!: string;

  @Field(() => String)
  title!: string;

  @Field(() => LocalDateResolver)
  periodStart!: string;

  @Field(() => LocalDateResolver)
  periodEnd!: string;

  @Field(() => Int, { nullable: true, description: 'Levels that approve a report before it counts, 1–5; 1 when omitted' })
  approvalLevels?: number | null;
}

@InputType({ description: 'Changed fields only' })
export class UpdateActionPlanInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  title?: string | null;

  @Field(() => LocalDateResolver, { nullable: true })
  periodStart?: string | null;

  @Field(() => LocalDateResolver, { nullable: true })
  periodEnd?: string | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Levels that approve a report before it counts, 1–5; reports already submitted keep theirs',
  })
  approvalLevels?: number | null;
}
