import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { PageArgs } from '../../common/pagination.js';
import { localDay } from '../../common/dates.js';
import type { Context } from '../../graphql/context.js';
import { requireViewer } from '../../graphql/auth-checker.js';
import { IndicatorType } from '../indicators/indicator.type.js';
import { EffectiveApprovalLevelsType } from './approval-levels.type.js';
import { UnitType } from '../organisations/unit.type.js';
import { ActionPlanType } from '../plans/action-plan.type.js';
import { ProgressReportConnection, ProgressReportType } from '../reports/progress-report.type.js';
import { ResolutionType } from '../resolutions/resolution.type.js';
import { canSeeTask, canSeeUnit } from '../scope/scope.js';
import { WarningType } from '../warnings/warning.type.js';
import type { TaskRow } from './task.row.js';
import { TaskStatus } from './task.enums.js';
import {
  CancelTaskInput,
  CreateTaskInput,
  ReassignTaskInput,
  RescheduleTaskInput,
  SetTaskApprovalLevelsInput,
  TaskFilter,
  TaskOrder,
  UpdateTaskInput,
} from './task.inputs.js';
import { deriveStatus, FiveClear, missingClears } from './task-status.js';
import { TaskAncestorType, TaskConnection, TaskHistoryConnection, TaskHistoryType, TaskType } from './task.type.js';

@Resolver(() => TaskType)
export class TaskResolver {
  @Authorized()
  @Query(() => TaskConnection, { description: 'Tasks assigned to or by units in your subtree' })
  tasks(
    @Ctx() ctx: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => TaskFilter, { nullable: true }) filter: TaskFilter | null,
    @Arg('orderBy', () => TaskOrder, { defaultValue: TaskOrder.DUE_ON }) orderBy: TaskOrder,
  ) {
    return ctx.services.tasks.list(ctx.em, requireViewer(ctx), filter ?? {}, page, orderBy);
  }

  @Authorized()
  @Query(() => TaskType)
  task(@Ctx() ctx: Context, @Arg('id', () => ID) id: string) {
    return ctx.services.tasks.get(ctx.em, requireViewer(ctx), id);
  }

  @Authorized()
  @Mutation(() => TaskType, { description: 'Creates a task in your plan, or a sub-task of a task assigned to your unit' })
  createTask(@Ctx() ctx: Context, @Arg('input', () => CreateTaskInput) input: CreateTaskInput) {
    return ctx.services.tasks.create(ctx.em, requireViewer(ctx), input);
  }

  @Authorized()
  @Mutation(() => TaskType, { description: 'Edits task fields; a stale baseVersion answers CONFLICT with the current task' })
  updateTask(@Ctx() ctx: Context, @Arg('input', () => UpdateTaskInput) input: UpdateTaskInput) {
    return ctx.services.tasks.update(ctx.em, requireViewer(ctx), input);
  }

  @Authorized()
  @Mutation(() => TaskType)
  reassignTask(@Ctx() ctx: Context, @Arg('input', () => ReassignTaskInput) input: ReassignTaskInput) {
    return ctx.services.tasks.reassign(ctx.em, requireViewer(ctx), input);
  }

  @Authorized()
  @Mutation(() => TaskType)
  rescheduleTask(@Ctx() ctx: Context, @Arg('input', () => RescheduleTaskInput) input: RescheduleTaskInput) {
    return ctx.services.tasks.reschedule(ctx.em, requireViewer(ctx), input);
  }

  @Authorized()
  @Mutation(() => TaskType, { description: 'How many levels approve reports of the task and its subtree' })
  setTaskApprovalLevels(@Ctx() ctx: Context, @Arg('input', () => SetTaskApprovalLevelsInput) input: SetTaskApprovalLevelsInput) {
    return ctx.services.tasks.setApprovalLevels(ctx.em, requireViewer(ctx), input);
  }

  @Authorized()
  @Mutation(() => TaskType, { description: 'Cancels the task and every open task below it' })
  cancelTask(@Ctx() ctx: Context, @Arg('input', () => CancelTaskInput) input: CancelTaskInput) {
    return ctx.services.tasks.cancel(ctx.em, requireViewer(ctx), input);
  }

  @FieldResolver(() => [TaskHistoryType], { description: 'What changed on the task and its indicators, and why; oldest first' })
  history(@Root() task: TaskRow, @Ctx() ctx: Context) {
    return ctx.services.tasks.listHistory(ctx.em, requireViewer(ctx), task.id);
  }

  @FieldResolver(() => TaskHistoryConnection, { description: 'The same history a page at a time, newest first' })
  historyPage(@Root() task: TaskRow, @Ctx() ctx: Context, @Args(() => PageArgs) page: PageArgs) {
    return ctx.services.tasks.historyPage(ctx.em, requireViewer(ctx), task.id, page);
  }

  @FieldResolver(() => TaskStatus)
  status(@Root() task: TaskRow) {
    return deriveStatus(task, localDay());
  }

  @FieldResolver(() => [FiveClear], { description: 'Which of the five clears the task still lacks' })
  missingClears(@Root() task: TaskRow) {
    return missingClears(task);
  }

  @FieldResolver(() => UnitType)
  leadUnit(@Root() task: TaskRow, @Ctx() ctx: Context) {
    return ctx.loaders.unit.load(task.leadUnit.id);
  }

  @FieldResolver(() => UnitType, { nullable: true, description: 'Null when the assigner is above your unit' })
  async assignerUnit(@Root() task: TaskRow, @Ctx() ctx: Context) {
    const unit = await ctx.loaders.unit.load(task.assignerUnit.id);
    return unit && canSeeUnit(requireViewer(ctx), unit.path) ? unit : null;
  }

  @FieldResolver(() => [UnitType], { description: 'Coordinating units inside your subtree' })
  async coordinatingUnits(@Root() task: TaskRow, @Ctx() ctx: Context) {
    const viewer = requireViewer(ctx);
    return (await ctx.loaders.task.coordinatingUnits.load(task.id)).filter((u) => canSeeUnit(viewer, u.path));
  }

  @FieldResolver(() => ActionPlanType)
  plan(@Root() task: TaskRow, @Ctx() ctx: Context) {
    return ctx.loaders.plan.load(task.plan.id);
  }

  @FieldResolver(() => ResolutionType)
  resolution(@Root() task: TaskRow, @Ctx() ctx: Context) {
    return ctx.loaders.resolution.load(task.resolution.id);
  }

  @FieldResolver(() => [TaskAncestorType], { description: 'Tasks above this one, root first' })
  async ancestors(@Root() task: TaskRow, @Ctx() ctx: Context): Promise<TaskAncestorType[]> {
    if (!task.parent) return [];
    const viewer = requireViewer(ctx);
    return (await ctx.loaders.task.ancestors.load(task.id)).map(({ id, title, depth, leadUnitPath, assignerUnitPath }) => ({
      id,
      title,
      depth,
      readable: canSeeTask(viewer, { leadUnitPath, assignerUnitPath }),
    }));
  }

  @FieldResolver(() => Int)
  subTaskCount(@Root() task: TaskRow, @Ctx() ctx: Context) {
    return ctx.loaders.task.childCount.load(task.id);
  }

  @FieldResolver(() => EffectiveApprovalLevelsType, {
    description: 'The levels a new report of the task needs and where they come from: the task, a task above, or the plan',
  })
  effectiveApprovalLevels(@Root() task: TaskRow, @Ctx() ctx: Context) {
    return ctx.loaders.task.approvalLevels.load(task.id);
  }

  @FieldResolver(() => [IndicatorType])
  indicators(@Root() task: TaskRow, @Ctx() ctx: Context) {
    return ctx.loaders.indicator.byTask.load(task.id);
  }

  @FieldResolver(() => ProgressReportType, { nullable: true, description: 'The most recently received report' })
  latestReport(@Root() task: TaskRow, @Ctx() ctx: Context) {
    return ctx.loaders.report.latestByTask.load(task.id);
  }

  @FieldResolver(() => [WarningType], { description: 'The task’s current warnings with their reasons, most severe first' })
  warnings(@Root() task: TaskRow, @Ctx() ctx: Context) {
    return ctx.loaders.taskWarnings.load(task);
  }

  @FieldResolver(() => ProgressReportConnection, { description: 'Reports on this task, newest first' })
  reports(@Root() task: TaskRow, @Ctx() ctx: Context, @Args(() => PageArgs) page: PageArgs) {
    return ctx.services.reports.listForTask(ctx.em, task.id, page);
  }
}
