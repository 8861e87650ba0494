import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { requireViewer } from '../../graphql/auth-checker.js';
import { UnitType } from '../organisations/unit.type.js';
import { Account } from './account.entity.js';
import { AccountsArgs, CreateAccountInput, UpdateAccountInput } from './account.inputs.js';
import { AccountConnection, AccountCredentialsType, AccountType } from './account.type.js';
import { Role } from './role.js';

@Resolver(() => AccountType)
export class AccountResolver {
  @Authorized()
  @Query(() => AccountType, { description: 'The signed-in account' })
  me(@Ctx() ctx: Context) {
    return ctx.em.findOneOrFail(Account, { id: requireViewer(ctx).accountId });
  }

  @Authorized(Role.ADMIN)
  @Query(() => AccountConnection, { description: 'Accounts of a unit in your subtree and of the units below it' })
  accounts(@Ctx() ctx: Context, @Args(() => AccountsArgs) args: AccountsArgs) {
    return ctx.services.accounts.list(ctx.em, requireViewer(ctx), args);
  }

  @Authorized(Role.ADMIN)
  @Query(() => AccountType)
  account(@Ctx() ctx: Context, @Arg('id', () => ID) id: string) {
    return ctx.services.accounts.get(ctx.em, requireViewer(ctx), id);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => AccountCredentialsType, { description: 'Only roles you hold, only in your subtree' })
  createAccount(@Ctx() ctx: Context, @Arg('input', () => CreateAccountInput) input: CreateAccountInput) {
    return ctx.services.accounts.create(ctx.em, requireViewer(ctx), input);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => AccountType)
  updateAccount(
    @Ctx() ctx: Context,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateAccountInput) input: UpdateAccountInput,
  ) {
    return ctx.services.accounts.update(ctx.em, requireViewer(ctx), id, input);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => AccountType, { description: 'Also ends every sign-in of the account' })
  disableAccount(@Ctx() ctx: Context, @Arg('id', () => ID) id: string) {
    return ctx.services.accounts.disable(ctx.em, requireViewer(ctx), id);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => AccountType, { description: 'Also lifts a lockout' })
  enableAccount(@Ctx() ctx: Context, @Arg('id', () => ID) id: string) {
    return ctx.services.accounts.enable(ctx.em, requireViewer(ctx), id);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => AccountCredentialsType, { description: "A new temporary password; ends the account's sign-ins" })
  resetPassword(@Ctx() ctx: Context, @Arg('id', () => ID) id: string) {
    return ctx.services.accounts.resetPassword(ctx.em, requireViewer(ctx), id);
  }

  @FieldResolver(() => UnitType)
  unit(@Root() account: Account, @Ctx() ctx: Context) {
    return ctx.loaders.unit.load(account.unit.id);
  }
}
