import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { PageArgs } from '../../common/pagination.js';
import type { Context } from '../../graphql/context.js';
import { requireViewer } from '../../graphql/auth-checker.js';
import { Notification } from './notification.entity.js';
import { NotificationConnection, NotificationType } from './notification.type.js';

@Resolver(() => NotificationType)
export class NotificationResolver {
  @Authorized()
  @Query(() => NotificationConnection, { description: 'Your notifications, newest first' })
  notifications(
    @Ctx() ctx: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('unreadOnly', () => Boolean, { defaultValue: false }) unreadOnly: boolean,
  ) {
    return ctx.services.notifications.listForViewer(ctx.em, requireViewer(ctx), page, unreadOnly);
  }

  @Authorized()
  @Query(() => Int)
  unreadNotificationCount(@Ctx() ctx: Context) {
    return ctx.services.notifications.unreadCount(ctx.em, requireViewer(ctx));
  }

  @Authorized()
  @Mutation(() => NotificationType)
  markNotificationRead(@Ctx() ctx: Context, @Arg('id', () => ID) id: string) {
    return ctx.services.notifications.markRead(ctx.em, requireViewer(ctx), id);
  }

  @FieldResolver(() => ID, { nullable: true })
  taskId(@Root() n: Notification) {
    return n.task?.id ?? null;
  }

  @FieldResolver(() => ID, { nullable: true })
  reportId(@Root() n: Notification) {
    return n.report?.id ?? null;
  }
}
