import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { requireViewer } from '../../graphql/auth-checker.js';
import { CreateIndicatorInput, UpdateIndicatorInput } from './indicator.inputs.js';
import { IndicatorType } from './indicator.type.js';

@Resolver(() => IndicatorType)
export class IndicatorResolver {
  @Authorized()
  @Mutation(() => IndicatorType, { description: 'Adds a target to a task your unit assigned' })
  createIndicator(@Ctx() ctx: Context, @Arg('input', () => CreateIndicatorInput) input: CreateIndicatorInput) {
    return ctx.services.indicators.create(ctx.em, requireViewer(ctx), input);
  }

  @Authorized()
  @Mutation(() => IndicatorType)
  updateIndicator(@Ctx() ctx: Context, @Arg('input', () => UpdateIndicatorInput) input: UpdateIndicatorInput) {
    return ctx.services.indicators.update(ctx.em, requireViewer(ctx), input);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Removes a target no report has a value for' })
  deleteIndicator(
    @Ctx() ctx: Context,
    @Arg('id', () => ID) id: string,
    @Arg('reason', () => String, { nullable: true }) reason: string | null,
  ) {
    return ctx.services.indicators.delete(ctx.em, requireViewer(ctx), id, reason);
  }
}
