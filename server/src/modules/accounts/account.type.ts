import { Field, ID, ObjectType } from 'type-graphql';
import { ConnectionType } from '../../common/pagination.js';
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

  @Field(() => Date, { nullable: true, description: 'Set while repeated failed sign-ins keep the account locked' })
  lockedUntil?: Date | null;

  @Field(() => Date, { nullable: true })
  lastSignInAt?: Date | null;
}

export const AccountConnection = ConnectionType('Account', AccountType);

@ObjectType('AccountCredentials', { description: 'An account with a temporary password, shown this once' })
export class AccountCredentialsType {
  @Field(() => AccountType)
  account!: AccountType;

  @Field(() => String, { description: 'Give it to the person; they must change it at first sign-in' })
  temporaryPassword!: string;
}
