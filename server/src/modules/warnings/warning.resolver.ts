import { Arg, Args, Authorized, Ctx, ID, Query, Resolver } from 'type-graphql';
import { PageArgs } from '../../common/pagination.js';
import type { Context } from '../../graphql/context.js';
import { requireViewer } from '../../graphql/auth-checker.js';
import { WarningKind } from './warning-rules.js';
import { WarningOrder } from './warning.service.js';
import { WarningConnection, WarningCountType } from './warning.type.js';

@Resolver()
export class WarningResolver {
  @Authorized()
  @Query(() => WarningConnection, { description: 'Early warnings in a unit’s subtree (yours by default), each with its reason' })
  warnings(
    @Ctx() ctx: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('unitId', () => ID, { nullable: true }) unitId: string | null,
    @Arg('resolutionId', () => ID, { nullable: true }) resolutionId: string | null,
    @Arg('kinds', () => [WarningKind], { nullable: true, description: 'All kinds when omitted' }) kinds: WarningKind[] | null,
    @Arg('orderBy', () => WarningOrder, { defaultValue: WarningOrder.SEVERITY }) orderBy: WarningOrder,
  ) {
    return ctx.services.warnings.list(ctx.em, requireViewer(ctx), { unitId, resolutionId, kinds, orderBy }, page);
  }

  @Authorized()
  @Query(() => Date, {
    nullable: true,
    description:
      'The time the subtree’s warnings are current to: the derived-data worker’s last pass, or the oldest change it has not applied yet; null before its first pass',
  })
  warningsAsOf(
    @Ctx() ctx: Context,
    @Arg('unitId', () => ID, { nullable: true }) unitId: string | null,
    @Arg('resolutionId', () => ID, { nullable: true }) resolutionId: string | null,
  ) {
    return ctx.services.warnings.asOf(ctx.em, requireViewer(ctx), unitId, resolutionId);
  }

  @Authorized()
  @Query(() => [WarningCountType], { description: 'How many warnings of each kind the subtree has' })
  warningCounts(
    @Ctx() ctx: Context,
    @Arg('unitId', () => ID, { nullable: true }) unitId: string | null,
    @Arg('resolutionId', () => ID, { nullable: true }) resolutionId: string | null,
  ) {
    return ctx.services.warnings.counts(ctx.em, requireViewer(ctx), unitId, resolutionId);
  }
}
