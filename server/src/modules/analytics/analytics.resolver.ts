import { Arg, Authorized, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { requireViewer } from '../../graphql/auth-checker.js';
import { TaskStatus } from '../tasks/task.enums.js';
import type { Summary, IndicatorSummary } from './rollup-math.js';
import type { UnitSummary } from './analytics.service.js';
import {
  AnalyticsSummaryType,
  ApprovalPipelineType,
  RankedUnitType,
  TrendPointType,
  UnitAnalyticsType,
  UnitSyncHealthType,
} from './analytics.type.js';

/** The GraphQL shape of a summary: every status listed, zeros included. */
export function toSummaryType(s: Summary, indicators: IndicatorSummary): AnalyticsSummaryType {
  return {
    ...s,
    byStatus: Object.values(TaskStatus).map((status) => ({ status, count: s.counts[status] })),
    indicators,
  };
}

const toUnitAnalytics = <T extends UnitSummary>(u: T) => ({ ...u, summary: toSummaryType(u.summary, u.indicators) });

const unitArg = { nullable: true, description: 'A unit in your subtree; your own when omitted' } as const;
const resolutionArg = { nullable: true, description: 'One resolution; all when omitted' } as const;

@Resolver()
export class AnalyticsResolver {
  @Authorized()
  @Query(() => AnalyticsSummaryType, { description: 'Status counts, rates and indicator achievement of a unit’s subtree' })
  async analyticsSummary(
    @Ctx() ctx: Context,
    @Arg('unitId', () => ID, unitArg) unitId: string | null,
    @Arg('resolutionId', () => ID, resolutionArg) resolutionId: string | null,
  ) {
    const s = await ctx.services.analytics.summary(ctx.em, requireViewer(ctx), unitId, resolutionId);
    return toSummaryType(s.summary, s.indicators);
  }

  @Authorized()
  @Query(() => [UnitAnalyticsType], { description: 'The same figures for each child unit, for drill-down' })
  async analyticsByChild(
    @Ctx() ctx: Context,
    @Arg('unitId', () => ID, unitArg) unitId: string | null,
    @Arg('resolutionId', () => ID, resolutionArg) resolutionId: string | null,
  ) {
    return (await ctx.services.analytics.byChild(ctx.em, requireViewer(ctx), unitId, resolutionId)).map(toUnitAnalytics);
  }

  @Authorized()
  @Query(() => ApprovalPipelineType, {
    description: 'Reports of a unit’s subtree by approval level: waiting, approved at a lower level (not final), lag per level',
  })
  approvalPipeline(
    @Ctx() ctx: Context,
    @Arg('unitId', () => ID, unitArg) unitId: string | null,
    @Arg('resolutionId', () => ID, resolutionArg) resolutionId: string | null,
  ) {
    return ctx.services.analytics.approvalPipeline(ctx.em, requireViewer(ctx), unitId, resolutionId);
  }

  @Authorized()
  @Query(() => [TrendPointType], { description: 'Weekly series ending this week' })
  analyticsTrend(
    @Ctx() ctx: Context,
    @Arg('unitId', () => ID, unitArg) unitId: string | null,
    @Arg('resolutionId', () => ID, resolutionArg) resolutionId: string | null,
    @Arg('weeks', () => Int, { defaultValue: 12 }) weeks: number,
  ) {
    return ctx.services.analytics.trend(ctx.em, requireViewer(ctx), unitId, resolutionId, weeks);
  }

  @Authorized()
  @Query(() => [RankedUnitType], { description: 'Child units ranked by score, best first, with how it was computed' })
  async unitRanking(
    @Ctx() ctx: Context,
    @Arg('unitId', () => ID, unitArg) unitId: string | null,
    @Arg('resolutionId', () => ID, resolutionArg) resolutionId: string | null,
    @Arg('period', () => String, {
      nullable: true,
      description: 'Ratings of one period (2026, 2026-Q4, 2026-H2, 2026-11); all when omitted',
    })
    period: string | null,
  ) {
    return (await ctx.services.analytics.ranking(ctx.em, requireViewer(ctx), unitId, resolutionId, period)).map(toUnitAnalytics);
  }

  @Authorized()
  @Query(() => [UnitSyncHealthType], { description: 'Per child unit: reports received lately and their lag' })
  syncHealth(
    @Ctx() ctx: Context,
    @Arg('unitId', () => ID, unitArg) unitId: string | null,
    @Arg('resolutionId', () => ID, resolutionArg) resolutionId: string | null,
    @Arg('weeks', () => Int, { defaultValue: 4 }) weeks: number,
  ) {
    return ctx.services.analytics.syncHealth(ctx.em, requireViewer(ctx), unitId, resolutionId, weeks);
  }
}
