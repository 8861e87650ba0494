import { Field, ObjectType } from 'type-graphql';
import { AccountType } from './account.type.js';

@ObjectType('Session', { description: 'Tokens for one sign-in on one device' })
export class SessionType {
  @Field(() => String, { description: 'Send as "Authorization: Bearer …"; short-lived' })
  accessToken!: string;

  @Field(() => Date)
  accessTokenExpiresAt!: Date;

  @Field(() => String, { description: 'Trade for a new pair with refreshSession; single use' })
  refreshToken!: string;

  @Field(() => Date)
  refreshTokenExpiresAt!: Date;

  @Field(() => AccountType)
  account!: AccountType;
}
