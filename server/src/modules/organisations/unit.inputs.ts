import { Field, ID, InputType } from 'type-graphql';

@InputType()
export class CreateUnitInput {
  @Field(() => ID, { description: 'Your own unit or a unit below it' })
  parentId!: string;

  @Field(() => String, { description: 'Unique across the country' })
  code!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'Level of the unit, for example PROVINCE, COMMUNE, CELL' })
  kind!: string;
}

@InputType({ description: 'Only the fields given change' })
export class UpdateUnitInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  kind?: string | null;
}
