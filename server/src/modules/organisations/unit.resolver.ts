import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { PageArgs } from '../../common/pagination.js';
import type { Context } from '../../graphql/context.js';
import { requireViewer } from '../../graphql/auth-checker.js';
import { Role } from '../accounts/role.js';
import { canSeeUnit } from '../scope/scope.js';
import { CreateUnitInput, UpdateUnitInput } from './unit.inputs.js';
import { UnitConnection, UnitType } from './unit.type.js';
import type { UnitRow } from './unit.row.js';

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

  @Authorized()
  @Query(() => UnitConnection, {
    description: 'Active units of a unit’s subtree (yours by default), itself included, nearest levels first, by name',
  })
  units(
    @Ctx() ctx: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('unitId', () => ID, { nullable: true }) unitId: string | null,
    @Arg('search', () => String, { nullable: true, description: 'Words of the name or the code' }) search: string | null,
  ) {
    return ctx.services.units.search(ctx.em, requireViewer(ctx), { unitId, search }, page);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => UnitType, { description: 'A new unit below your own unit or below a unit of your subtree' })
  createUnit(@Ctx() ctx: Context, @Arg('input', () => CreateUnitInput) input: CreateUnitInput) {
    return ctx.services.units.create(ctx.em, requireViewer(ctx), input);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => UnitType, { description: 'Renames a unit below your own, or changes its kind' })
  updateUnit(@Ctx() ctx: Context, @Arg('id', () => ID) id: string, @Arg('input', () => UpdateUnitInput) input: UpdateUnitInput) {
    return ctx.services.units.update(ctx.em, requireViewer(ctx), id, input);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => UnitType, { description: 'Moves a unit below your own, with everything below it, under a new parent' })
  moveUnit(@Ctx() ctx: Context, @Arg('id', () => ID) id: string, @Arg('newParentId', () => ID) newParentId: string) {
    return ctx.services.units.move(ctx.em, requireViewer(ctx), id, newParentId);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => UnitType, { description: 'Refused while the unit has active units below it or enabled accounts' })
  deactivateUnit(@Ctx() ctx: Context, @Arg('id', () => ID) id: string) {
    return ctx.services.units.deactivate(ctx.em, requireViewer(ctx), id);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => UnitType, {
    description: 'Re-activates a deactivated unit below your own; refused while the unit above it is deactivated',
  })
  reactivateUnit(@Ctx() ctx: Context, @Arg('id', () => ID) id: string) {
    return ctx.services.units.reactivate(ctx.em, requireViewer(ctx), id);
  }

  @FieldResolver(() => UnitType, { nullable: true, description: 'Null at the top of your subtree' })
  async parent(@Root() unit: UnitRow, @Ctx() ctx: Context) {
    if (!unit.parent) return null;
    const parent = await ctx.loaders.unit.load(unit.parent.id);
    return parent && canSeeUnit(requireViewer(ctx), parent.path) ? parent : null;
  }

  @FieldResolver(() => [UnitType], { description: 'Active units directly below, by name' })
  children(
    @Root() unit: UnitRow,
    @Ctx() ctx: Context,
    @Arg('includeInactive', () => Boolean, { defaultValue: false }) includeInactive: boolean,
  ) {
    return ctx.services.units.children(ctx.em, requireViewer(ctx), unit.id, includeInactive);
  }

  @FieldResolver(() => [UnitType], { description: 'From the top of your subtree down to this unit, for breadcrumbs' })
  breadcrumbs(@Root() unit: UnitRow, @Ctx() ctx: Context) {
    return ctx.services.units.pathFromViewer(ctx.em, requireViewer(ctx), unit);
  }
}
