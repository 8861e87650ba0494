import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { PageArgs } from '../../common/pagination.js';
import type { Context } from '../../graphql/context.js';
import { requireViewer } from '../../graphql/auth-checker.js';
import { UnitType } from '../organisations/unit.type.js';
import { ResolutionType } from '../resolutions/resolution.type.js';
import { ActionPlan } from './action-plan.entity.js';
import { CreateActionPlanInput, UpdateActionPlanInput } from './action-plan.inputs.js';
import { ActionPlanConnection, ActionPlanType } from './action-plan.type.js';

@Resolver(() => ActionPlanType)
export class ActionPlanResolver {
  @Authorized()
  @Query(() => ActionPlanConnection, { description: 'Plans of units in your subtree' })
  actionPlans(
    @Ctx() ctx: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('resolutionId', () => ID, { nullable: true }) resolutionId: string | null,
  ) {
    return ctx.services.plans.list(ctx.em, requireViewer(ctx), resolutionId, page);
  }

  @Authorized()
  @Query(() => ActionPlanType)
  actionPlan(@Ctx() ctx: Context, @Arg('id', () => ID) id: string) {
    return ctx.services.plans.get(ctx.em, requireViewer(ctx), id);
  }

  @Authorized()
  @Mutation(() => ActionPlanType, { description: "Creates your unit's plan for a resolution" })
  createActionPlan(@Ctx() ctx: Context, @Arg('input', () => CreateActionPlanInput) input: CreateActionPlanInput) {
    return ctx.services.plans.create(ctx.em, requireViewer(ctx), input);
  }

  @Authorized()
  @Mutation(() => ActionPlanType)
  updateActionPlan(@Ctx() ctx: Context, @Arg('input', () => UpdateActionPlanInput) input: UpdateActionPlanInput) {
    return ctx.services.plans.update(ctx.em, requireViewer(ctx), input);
  }

  @FieldResolver(() => ResolutionType)
  resolution(@Root() plan: ActionPlan, @Ctx() ctx: Context) {
    return ctx.loaders.resolution.load(plan.resolution.id);
  }

  @FieldResolver(() => UnitType)
  ownerUnit(@Root() plan: ActionPlan, @Ctx() ctx: Context) {
    return ctx.loaders.unit.load(plan.ownerUnit.id);
  }
}
