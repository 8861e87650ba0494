import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { requireViewer } from '../../graphql/auth-checker.js';
import { CreateIndicatorInput, UpdateIndicatorInput } from './indicator.inputs.js';
import { IndicatorType } from './indicator.type.js';
import { scheduleOfColumns, type ReportFrequency } from '../tasks/report-schedule.js';
import { ReportScheduleType } from '../tasks/report-schedule.type.js';

@Resolver(() => IndicatorType)
export class IndicatorResolver {
  @FieldResolver(() => ReportScheduleType, {
    nullable: true,
    description: 'Its own reporting schedule: a value per period, due some days after the period ends',
  })
  reportSchedule(
    @Root() indicator: { reportFrequency?: ReportFrequency | null; reportDueDays?: number | null },
  ): ReportScheduleType | null {
    return scheduleOfColumns(indicator);
  }

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
