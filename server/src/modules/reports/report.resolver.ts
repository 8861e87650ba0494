import { toDate } from '../../common/rows.js';
import {
  Arg,
  Args,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  Float,
  ID,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { PageArgs } from '../../common/pagination.js';
import type { Context } from '../../graphql/context.js';
import { requireViewer } from '../../graphql/auth-checker.js';
import { AttachmentType } from '../attachments/attachment.type.js';
import { UnitType } from '../organisations/unit.type.js';
import { assertVisibleTask, canSeeUnit } from '../scope/scope.js';
import { TaskType } from '../tasks/task.type.js';
import { ProgressReport } from './progress-report.entity.js';
import { IndicatorValueType, ProgressReportConnection, ProgressReportType, ReportApprovalType } from './progress-report.type.js';
import { ReportState } from './report.enums.js';
import { SubmitReportInput } from './report.inputs.js';
import type { ReportRow } from './report.row.js';

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
  @Query(() => ProgressReportConnection, {
    description: 'Reports waiting for your review (units strictly below yours), oldest received first; leaders only',
  })
  reviewQueue(
    @Ctx() ctx: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('unitId', () => ID, { nullable: true, description: 'Reports of this unit and below; your own unit when omitted' })
    unitId: string | null,
    @Arg('resolutionId', () => ID, { nullable: true, description: 'One resolution; all when omitted' })
    resolutionId: string | null,
  ) {
    return ctx.services.reports.reviewQueue(ctx.em, requireViewer(ctx), { unitId, resolutionId }, page);
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
  async task(@Root() report: ReportRow, @Ctx() ctx: Context) {
    // Batched: a page of the review queue loads its tasks in one statement.
    return assertVisibleTask(requireViewer(ctx), await ctx.loaders.taskById.load(report.task.id), report.task.id);
  }

  @FieldResolver(() => Float, {
    nullable: true,
    description: 'Percent of the latest approved report of the same task written before this one',
  })
  previousApprovedPercent(@Root() report: ReportRow, @Ctx() ctx: Context) {
    return ctx.loaders.report.previousApprovedPercent.load(report.id);
  }

  @FieldResolver(() => UnitType, { description: 'The unit that reported' })
  unit(@Root() report: ReportRow, @Ctx() ctx: Context) {
    return ctx.loaders.unit.load(report.unit.id);
  }

  @FieldResolver(() => String, { description: 'Display name of the author' })
  async authorName(@Root() report: ReportRow, @Ctx() ctx: Context) {
    return (await ctx.loaders.account.load(report.author.id))?.displayName ?? '';
  }

  @FieldResolver(() => String, { nullable: true, description: 'Display name of the reviewer, when within your subtree' })
  async reviewerName(@Root() report: ReportRow, @Ctx() ctx: Context) {
    if (!report.reviewedBy) return null;
    const reviewer = await ctx.loaders.account.load(report.reviewedBy.id);
    if (!reviewer) return null;
    const unit = await ctx.loaders.unit.load(reviewer.unit.id);
    // A reviewer above the viewer's unit is named by role only, never by person.
    return unit && canSeeUnit(requireViewer(ctx), unit.path) ? reviewer.displayName : null;
  }

  @FieldResolver(() => Int, { description: 'Levels of units that approve it before it counts (1 by default)' })
  approvalLevels(@Root() report: ProgressReport) {
    return report.approvalLevels ?? 1;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'While SUBMITTED: the kind of the unit whose level it waits on (e.g. PROVINCE), for “awaiting province”',
  })
  async awaitingUnitKind(@Root() report: ProgressReport, @Ctx() ctx: Context) {
    if (report.state !== ReportState.SUBMITTED || !report.awaitingUnit) return null;
    return (await ctx.loaders.unit.load(report.awaitingUnit.id))?.kind ?? null;
  }

  @FieldResolver(() => String, { nullable: true, description: 'The name of that unit, when within your subtree' })
  async awaitingUnitName(@Root() report: ProgressReport, @Ctx() ctx: Context) {
    if (report.state !== ReportState.SUBMITTED || !report.awaitingUnit) return null;
    const unit = await ctx.loaders.unit.load(report.awaitingUnit.id);
    return unit && canSeeUnit(requireViewer(ctx), unit.path) ? unit.name : null;
  }

  @FieldResolver(() => [ReportApprovalType], { description: 'Each level’s decision so far, first level first' })
  async approvals(@Root() report: ProgressReport, @Ctx() ctx: Context) {
    const viewer = requireViewer(ctx);
    const rows = await ctx.loaders.report.approvals.load(report.id);
    return rows.map((a) => ({
      level: a.level,
      decision: a.decision,
      decidedAt: toDate(a.decided_at)!,
      waitedHours: Math.max(0, Number(a.waited_hours)),
      comment: a.comment,
      reviewerUnitKind: a.unit_kind,
      reviewerUnitName: canSeeUnit(viewer, a.unit_path) ? a.unit_name : null,
    }));
  }

  @FieldResolver(() => ID, { nullable: true, description: 'The returned report this one answers' })
  answersReportId(@Root() report: ReportRow) {
    return report.answersReport?.id ?? null;
  }

  @FieldResolver(() => [AttachmentType], { description: 'Evidence files, verified or still arriving' })
  async attachments(@Root() report: ReportRow, @Ctx() ctx: Context) {
    const rows = await ctx.loaders.report.attachments.load(report.id);
    return rows.map((a) => ({
      id: a.id,
      fileName: a.fileName,
      contentType: a.contentType,
      sha256: a.sha256,
      size: a.size,
      receivedBytes: a.receivedBytes,
      status: a.status,
      url: `/files/${a.id}`,
    }));
  }

  @FieldResolver(() => [IndicatorValueType])
  async values(@Root() report: ReportRow, @Ctx() ctx: Context) {
    const values = await ctx.loaders.report.values.load(report.id);
    return values.map((v) => ({ indicatorId: v.indicatorId, value: v.value, periodKey: v.periodKey }));
  }
}
