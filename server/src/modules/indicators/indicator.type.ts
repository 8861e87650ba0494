import { LocalDateResolver } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { IndicatorDirection } from './indicator.entity.js';

@ObjectType('Indicator', { description: 'A measurable target of a task', simpleResolvers: true })
export class IndicatorType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  unitOfMeasure!: string;

  @Field(() => Float)
  baseline!: number;

  @Field(() => Float)
  target!: number;

  @Field(() => IndicatorDirection)
  direction!: IndicatorDirection;

  @Field(() => LocalDateResolver, { nullable: true })
  dueOn?: string | null;

  @Field(() => Float, { nullable: true, description: 'From the latest approved report' })
  currentValue?: number | null;

  @Field(() => Int)
  version!: number;
}
