import { Arg, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { requireViewer } from '../../graphql/auth-checker.js';
import { canSeeUnit } from '../scope/scope.js';
import { Unit } from './unit.entity.js';
import { UnitType } from './unit.type.js';

@Resolver(() => UnitType)
export class UnitResolver {
  @Authorized()
  @Query(() => UnitType, { description: 'The unit of the signed-in account: the root of what it can see' })
  myUnit(@Ctx() ctx: Context) {
    return ctx.services.units.get(ctx.em, requireViewer(ctx), requireViewer(ctx).unitId);
  }

  @Authorized()
  @Query(() => UnitType)
  unit(@Ctx() ctx: Context, @Arg('id', () => ID) id: string) {
    return ctx.services.units.get(ctx.em, requireViewer(ctx), id);
  }

  @FieldResolver(() => UnitType, { nullable: true, description: 'Null at the top of your subtree' })
  async parent(@Root() unit: Unit, @Ctx() ctx: Context) {
    if (!unit.parent) return null;
    const parent = await ctx.loaders.unit.load(unit.parent.id);
    return parent && canSeeUnit(requireViewer(ctx), parent.path) ? parent : null;
  }

  @FieldResolver(() => [UnitType], { description: 'Active units directly below, by name' })
  children(
    @Root() unit: Unit,
    @Ctx() ctx: Context,
    @Arg('includeInactive', () => Boolean, { defaultValue: false }) includeInactive: boolean,
  ) {
    return ctx.services.units.children(ctx.em, requireViewer(ctx), unit.id, includeInactive);
  }

  @FieldResolver(() => [UnitType], { description: 'From the top of your subtree down to this unit, for breadcrumbs' })
  breadcrumbs(@Root() unit: Unit, @Ctx() ctx: Context) {
    return ctx.services.units.pathFromViewer(ctx.em, requireViewer(ctx), unit);
  }
}
