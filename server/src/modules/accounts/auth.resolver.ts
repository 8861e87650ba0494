import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { requireViewer } from '../../graphql/auth-checker.js';
import { SessionType } from './auth.type.js';

@Resolver()
export class AuthResolver {
  @Mutation(() => SessionType)
  signIn(@Ctx() ctx: Context, @Arg('username', () => String) username: string, @Arg('password', () => String) password: string) {
    return ctx.services.auth.signIn(ctx.em, username.slice(0, 64), password.slice(0, 200), ctx.userAgent);
  }

  @Mutation(() => SessionType, { description: 'Rotates the refresh token; reusing an old one ends the sign-in' })
  refreshSession(@Ctx() ctx: Context, @Arg('refreshToken', () => String) refreshToken: string) {
    return ctx.services.auth.refresh(ctx.em, refreshToken.slice(0, 200), ctx.userAgent);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Ends this sign-in on this device' })
  async signOut(@Ctx() ctx: Context) {
    const viewer = requireViewer(ctx);
    await ctx.services.auth.signOut(ctx.em, viewer.accountId, viewer.familyId);
    return true;
  }
}
