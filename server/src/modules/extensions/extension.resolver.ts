import { Arg, Args, Authorized, Ctx, Field, FieldResolver, ID, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { PageArgs } from '../../common/pagination.js';
import type { Context } from '../../graphql/context.js';
import { requireViewer } from '../../graphql/auth-checker.js';
import { ActionPlanType } from '../plans/action-plan.type.js';
import { onTimeDueOn } from '../tasks/task-status.js';
import type { Task } from '../tasks/task.entity.js';
import { TaskType } from '../tasks/task.type.js';
import { RequestExtensionInput } from './extension.inputs.js';
import {
  ExtensionRequestConnection,
  ExtensionRequestType,
  OnTimeRule,
  PlanOnTimeRuleType,
  TaskDueDatesType,
} from './extension.type.js';

@ObjectType('RequestExtensionResult')
class RequestExtensionResult {
  @Field(() => ExtensionRequestType)
  request!: ExtensionRequestType;

  @Field(() => Boolean, { description: 'False when this id had been stored before: nothing new was stored' })
  created!: boolean;
}

@Resolver(() => ExtensionRequestType)
export class ExtensionResolver {
  @Authorized()
  @Query(() => ExtensionRequestConnection, {
    description: 'Deadline-extension requests waiting for your unit’s decision, oldest first; leaders and focal officers',
  })
  extensionQueue(
    @Ctx() ctx: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('unitId', () => ID, { nullable: true, description: 'Requests from this unit and below' }) unitId: string | null,
    @Arg('resolutionId', () => ID, { nullable: true }) resolutionId: string | null,
  ) {
    return ctx.services.extensions.queue(ctx.em, requireViewer(ctx), { unitId, resolutionId }, page);
  }

  @Authorized()
  @Query(() => [PlanOnTimeRuleType], {
    description: 'The on-time rule of each plan with tasks in your view (shown on the dashboard)',
  })
  onTimeRules(@Ctx() ctx: Context, @Arg('resolutionId', () => ID, { nullable: true }) resolutionId: string | null) {
    return ctx.services.extensions.rules(ctx.em, requireViewer(ctx), resolutionId);
  }

  @Authorized()
  @Mutation(() => RequestExtensionResult, { description: 'Asks for a later due date; stored once per id' })
  async requestExtension(@Ctx() ctx: Context, @Arg('input', () => RequestExtensionInput) input: RequestExtensionInput) {
    const viewer = requireViewer(ctx);
    const { request, created } = await ctx.services.extensions.request(ctx.em, viewer, input);
    return { request: await ctx.services.extensions.view(ctx.em, viewer, request.id), created };
  }

  @Authorized()
  @Mutation(() => ExtensionRequestType, { description: 'Approves a pending request: the task’s due date moves to the one asked' })
  async approveExtension(
    @Ctx() ctx: Context,
    @Arg('id', () => ID) id: string,
    @Arg('comment', () => String, { nullable: true }) comment: string | null,
  ) {
    const viewer = requireViewer(ctx);
    await ctx.services.extensions.approve(ctx.em, viewer, id, comment);
    return ctx.services.extensions.view(ctx.em, viewer, id);
  }

  @Authorized()
  @Mutation(() => ExtensionRequestType, { description: 'Refuses a pending request with a comment; the due date stays' })
  async refuseExtension(@Ctx() ctx: Context, @Arg('id', () => ID) id: string, @Arg('comment', () => String) comment: string) {
    const viewer = requireViewer(ctx);
    await ctx.services.extensions.refuse(ctx.em, viewer, id, comment);
    return ctx.services.extensions.view(ctx.em, viewer, id);
  }

  @Authorized()
  @Mutation(() => ActionPlanType, {
    description: 'Whether the plan’s on-time rates count completions against the original or the extended due date',
  })
  setOnTimeRule(@Ctx() ctx: Context, @Arg('planId', () => ID) planId: string, @Arg('rule', () => OnTimeRule) rule: OnTimeRule) {
    return ctx.services.extensions.setOnTimeRule(ctx.em, requireViewer(ctx), planId, rule);
  }
}

/** The extension fields of Task, kept with their module. */
@Resolver(() => TaskType)
export class TaskExtensionFieldsResolver {
  @FieldResolver(() => [ExtensionRequestType], { description: 'Deadline-extension requests and their decisions, oldest first' })
  extensionRequests(@Root() task: Task, @Ctx() ctx: Context) {
    return ctx.services.extensions.forTask(ctx.em, requireViewer(ctx), task.id);
  }

  @FieldResolver(() => TaskDueDatesType, { description: 'The working and original due dates and the on-time rule' })
  dueDates(@Root() task: Task): TaskDueDatesType {
    return {
      dueOn: task.dueOn ?? null,
      originalDueOn: task.originalDueOn ?? null,
      onTimeRule: task.onTimeOriginal ? OnTimeRule.ORIGINAL : OnTimeRule.EXTENDED,
      onTimeDueOn: onTimeDueOn(task),
    };
  }
}

/** The on-time rule of a plan. */
@Resolver(() => ActionPlanType)
export class PlanOnTimeRuleResolver {
  @FieldResolver(() => OnTimeRule, { description: 'What the plan’s tasks’ completions are measured against' })
  onTimeRule(@Root() plan: { onTimeRule: string }): OnTimeRule {
    return plan.onTimeRule as OnTimeRule;
  }
}
