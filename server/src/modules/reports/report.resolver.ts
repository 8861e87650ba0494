import { Arg, Authorized, Ctx, Field, FieldResolver, ID, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { requireViewer } from '../../graphql/auth-checker.js';
import { UnitType } from '../organisations/unit.type.js';
import { canSeeUnit } from '../scope/scope.js';
import { TaskType } from '../tasks/task.type.js';
import { ProgressReport } from './progress-report.entity.js';
import { IndicatorValueType, ProgressReportType } from './progress-report.type.js';
import { SubmitReportInput } from './report.inputs.js';

@ObjectType('SubmitReportResult')
class SubmitReportResult {
  @Field(() => ProgressReportType)
  report!: ProgressReport;

  @Field(() => Boolean, { description: 'False when this id had been stored before: nothing new was stored' })
  created!: boolean;
}

@Resolver(() => ProgressReportType)
export class ReportResolver {
  @Authorized()
  @Query(() => ProgressReportType)
  report(@Ctx() ctx: Context, @Arg('id', () => ID) id: string) {
    return ctx.services.reports.get(ctx.em, requireViewer(ctx), id);
  }

  @Authorized()
  @Mutation(() => SubmitReportResult, { description: 'Stores a report once per device-made id' })
  submitReport(@Ctx() ctx: Context, @Arg('input', () => SubmitReportInput) input: SubmitReportInput) {
    return ctx.services.reports.submit(ctx.em, requireViewer(ctx), input);
  }

  @Authorized()
  @Mutation(() => ProgressReportType)
  approveReport(
    @Ctx() ctx: Context,
    @Arg('id', () => ID) id: string,
    @Arg('comment', () => String, { nullable: true }) comment: string | null,
  ) {
    return ctx.services.reports.approve(ctx.em, requireViewer(ctx), id, comment);
  }

  @Authorized()
  @Mutation(() => ProgressReportType, { description: 'Returns the report to its unit; a new report answers it' })
  returnReport(@Ctx() ctx: Context, @Arg('id', () => ID) id: string, @Arg('comment', () => String) comment: string) {
    return ctx.services.reports.return(ctx.em, requireViewer(ctx), id, comment);
  }

  @FieldResolver(() => TaskType)
  task(@Root() report: ProgressReport, @Ctx() ctx: Context) {
    return ctx.services.tasks.get(ctx.em, requireViewer(ctx), report.task.id);
  }

  @FieldResolver(() => UnitType, { description: 'The unit that reported' })
  unit(@Root() report: ProgressReport, @Ctx() ctx: Context) {
    return ctx.loaders.unit.load(report.unit.id);
  }

  @FieldResolver(() => String, { description: 'Display name of the author' })
  async authorName(@Root() report: ProgressReport, @Ctx() ctx: Context) {
    return (await ctx.loaders.account.load(report.author.id))?.displayName ?? '';
  }

  @FieldResolver(() => String, { nullable: true, description: 'Display name of the reviewer, when within your subtree' })
  async reviewerName(@Root() report: ProgressReport, @Ctx() ctx: Context) {
    if (!report.reviewedBy) return null;
    const reviewer = await ctx.loaders.account.load(report.reviewedBy.id);
    if (!reviewer) return null;
    const unit = await ctx.loaders.unit.load(reviewer.unit.id);
    // A reviewer above the viewer's unit is named by role only, never by person.
    return unit && canSeeUnit(requireViewer(ctx), unit.path) ? reviewer.displayName : null;
  }

  @FieldResolver(() => ID, { nullable: true, description: 'The returned report this one answers' })
  answersReportId(@Root() report: ProgressReport) {
    return report.answersReport?.id ?? null;
  }

  @FieldResolver(() => [IndicatorValueType])
  async values(@Root() report: ProgressReport, @Ctx() ctx: Context) {
    const values = await ctx.loaders.report.values.load(report.id);
    return values.map((v) => ({ indicatorId: v.indicator.id, value: v.value }));
  }
}
