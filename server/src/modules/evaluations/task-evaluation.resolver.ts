import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { PageArgs } from '../../common/pagination.js';
import type { Context } from '../../graphql/context.js';
import { requireViewer } from '../../graphql/auth-checker.js';
import { Role } from '../accounts/role.js';
import { TaskType } from '../tasks/task.type.js';
import type { TaskEvaluation } from './task-evaluation.entity.js';
import { EvaluateTaskInput, TaskEvaluationConnection, TaskEvaluationType } from './task-evaluation.type.js';

@Resolver(() => TaskEvaluationType)
export class TaskEvaluationResolver {
  @Authorized(Role.LEADER)
  @Mutation(() => TaskEvaluationType, { description: 'Rate a task of a unit below yours for a period; rating again replaces it' })
  evaluateTask(@Ctx() ctx: Context, @Arg('input', () => EvaluateTaskInput) input: EvaluateTaskInput) {
    return ctx.services.evaluations.evaluate(ctx.em, requireViewer(ctx), input);
  }

  @Authorized()
  @Query(() => TaskEvaluationConnection, { description: 'Ratings of tasks led in a unit’s subtree, latest first' })
  evaluations(
    @Ctx() ctx: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('unitId', () => ID, { nullable: true }) unitId: string | null,
    @Arg('resolutionId', () => ID, { nullable: true }) resolutionId: string | null,
    @Arg('period', () => String, { nullable: true }) period: string | null,
    @Arg('taskId', () => ID, { nullable: true }) taskId: string | null,
  ) {
    return ctx.services.evaluations.list(ctx.em, requireViewer(ctx), { unitId, resolutionId, period, taskId }, page);
  }

  @FieldResolver(() => TaskType)
  task(@Root() e: TaskEvaluation, @Ctx() ctx: Context) {
    return ctx.loaders.taskById.load(e.task.id);
  }
}
