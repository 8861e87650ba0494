import { Field, ID, ObjectType } from 'type-graphql';
import { Role } from './role.js';

@ObjectType('Account')
export class AccountType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  username!: string;

  @Field(() => String)
  displayName!: string;

  @Field(() => [Role])
  roles!: Role[];

  @Field(() => Boolean)
  mustChangePassword!: boolean;

  @Field(() => Date, { nullable: true })
  disabledAt?: Date | null;

  @Field(() => Date, { nullable: true })
  lastSignInAt?: Date | null;
}
