import { LocalDateResolver } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType('Resolution')
export class ResolutionType {
  @Field(() => ID)
  id!: string;

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
