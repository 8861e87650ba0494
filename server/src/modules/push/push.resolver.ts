import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { requireViewer } from '../../graphql/auth-checker.js';
import { PushNoticeType, PushSubscriptionInput, PushSubscriptionType } from './push.type.js';

@Resolver()
export class PushResolver {
  @Authorized()
  @Query(() => String, {
    nullable: true,
    description: 'The VAPID public key to subscribe with; null when this server sends no pushes',
  })
  pushPublicKey(@Ctx() ctx: Context) {
    return ctx.services.push.publicKey();
  }

  @Authorized()
  @Mutation(() => PushSubscriptionType, {
    description: 'Asks for pushes on this device, for this sign-in; signing out removes it',
  })
  registerPushSubscription(@Ctx() ctx: Context, @Arg('input', () => PushSubscriptionInput) input: PushSubscriptionInput) {
    return ctx.services.push.register(ctx.em, requireViewer(ctx), input);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Stops pushes to one of your devices; false when it had none' })
  unregisterPushSubscription(@Ctx() ctx: Context, @Arg('endpoint', () => String) endpoint: string) {
    return ctx.services.push.unregister(ctx.em, requireViewer(ctx), endpoint);
  }

  // No sign-in: the device's service worker has only its notice key (docs/SECURITY.md, "Web Push").
  @Query(() => [PushNoticeType], {
    description:
      "The newest unread notices of the pushed kinds for the device holding this notice key (registerPushSubscription's readKey); UNAUTHENTICATED once its sign-in has ended",
  })
  pushNotices(@Ctx() ctx: Context, @Arg('readKey', () => String) readKey: string) {
    return ctx.services.push.notices(ctx.em, readKey);
  }
}
