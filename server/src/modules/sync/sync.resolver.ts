import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { requireViewer } from '../../graphql/auth-checker.js';
import { SyncPullInput, SyncPullResultType, SyncPushInput, SyncPushResultType } from './sync.types.js';

@Resolver()
export class SyncResolver {
  @Authorized()
  @Query(() => SyncPullResultType, { description: 'One page of what changed in your view since the cursor (docs/SYNC.md)' })
  async syncPull(@Ctx() ctx: Context, @Arg('input', () => SyncPullInput) input: SyncPullInput) {
    const page = await ctx.services.sync.pull(ctx.em, requireViewer(ctx), input, ctx.userAgent, ctx.primaryEm);
    ctx.metrics.syncPulled(page);
    return page;
  }

  @Authorized()
  @Mutation(() => SyncPushResultType, { description: 'Applies outbox entries, each at most once, answering per entry' })
  async syncPush(@Ctx() ctx: Context, @Arg('input', () => SyncPushInput) input: SyncPushInput) {
    const answer = await ctx.services.sync.push(ctx.em, requireViewer(ctx), input, ctx.userAgent);
    ctx.metrics.syncPushed(input.entries, answer.results);
    return answer;
  }
}
