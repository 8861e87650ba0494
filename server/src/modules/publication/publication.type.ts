import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType('Publication', { description: 'A resolution’s figures for a unit, shown on the public dashboard while published' })
export class PublicationType {
  @Field(() => ID, { description: 'Also the public dashboard’s address: /api/public/dashboards/{id}' })
  id!: string;

  @Field(() => Boolean)
  published!: boolean;

  @Field(() => Date, { nullable: true })
  publishedAt?: Date | null;

  @Field(() => Date, { nullable: true })
  withdrawnAt?: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the public figures were last computed' })
  snapshotAt?: Date | null;
}
