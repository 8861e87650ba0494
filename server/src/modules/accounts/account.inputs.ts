import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { PageArgs } from '../../common/pagination.js';
import { Role } from './role.js';

@InputType({ description: 'A new account; it receives a temporary password to change at first sign-in' })
export class CreateAccountInput {
  @Field(() => String, { description: '3–64 of a–z, 0–9, dot, dash, underscore; stored lower-case' })
  username!: string;

  @Field(() => String)
  displayName!: string;

  @Field(() => ID)
  unitId!: string;

  @Field(() => [Role])
  roles!: Role[];
}

@InputType({ description: 'Only the fields given change' })
export class UpdateAccountInput {
  @Field(() => String, { nullable: true })
  displayName?: string | null;

  @Field(() => [Role], { nullable: true })
  roles?: Role[] | null;

  @Field(() => ID, { nullable: true })
  unitId?: string | null;
}

@ArgsType()
export class AccountsArgs extends PageArgs {
  @Field(() => ID, { nullable: true, description: 'Accounts of this unit and below; your own unit when omitted' })
  unitId?: string | null;

  @Field(() => String, { nullable: true, description: 'Words matched against username and display name' })
  search?: string | null;

  @Field(() => Boolean, { defaultValue: false })
  includeDisabled: boolean = false;
}
