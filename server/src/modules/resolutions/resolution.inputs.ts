import { LocalDateResolver } from 'graphql-scalars';
import { Field, ID, InputType } from 'type-graphql';

@InputType()
export class CreateResolutionInput {
  @Field(() => String, { description: 'For example 57-NQ/TW' })
  code!: string;

  @Field(() => String)
  titleVi!: string;

  @Field(() => String)
  titleEn!: string;

  @Field(() => LocalDateResolver)
  issuedOn!: string;

  @Field(() => String, { nullable: true })
  summaryVi?: string | null;

  @Field(() => String, { nullable: true })
  summaryEn?: string | null;
}

@InputType({ description: 'Changed fields only' })
export class UpdateResolutionInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  code?: string | null;

  @Field(() => String, { nullable: true })
  titleVi?: string | null;

  @Field(() => String, { nullable: true })
  titleEn?: string | null;

  @Field(() => LocalDateResolver, { nullable: true })
  issuedOn?: string | null;

  @Field(() => String, { nullable: true })
  summaryVi?: string | null;

  @Field(() => String, { nullable: true })
  summaryEn?: string | null;
}
