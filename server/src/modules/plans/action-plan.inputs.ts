import { LocalDateResolver } from 'graphql-scalars';
import { Field, ID, InputType } from 'type-graphql';

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
}
