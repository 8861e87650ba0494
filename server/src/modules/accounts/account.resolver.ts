import { Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { requireViewer } from '../../graphql/auth-checker.js';
import { UnitType } from '../organisations/unit.type.js';
import { Account } from './account.entity.js';
import { AccountType } from './account.type.js';

@Resolver(() => AccountType)
export class AccountResolver {
  @Authorized()
  @Query(() => AccountType, { description: 'The signed-in account' })
  me(@Ctx() ctx: Context) {
    return ctx.em.findOneOrFail(Account, { id: requireViewer(ctx).accountId });
  }

  @FieldResolver(() => UnitType)
  unit(@Root() account: Account, @Ctx() ctx: Context) {
    return ctx.loaders.unit.load(account.unit.id);
  }
}
