import { Field, ID, Int, ObjectType } from 'type-graphql';
import { ConnectionType } from '../../common/pagination.js';

@ObjectType('Unit', { description: 'An organisation in the hierarchy', simpleResolvers: true })
export class UnitType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  code!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'Level of the unit, for example CENTRAL, PROVINCE, COMMUNE, CELL' })
  kind!: string;

  @Field(() => Int, { description: 'Number of ancestors; the root has depth 0' })
  depth!: number;

  @Field(() => Boolean)
  active!: boolean;
}

export const UnitConnection = ConnectionType('Unit', UnitType);
