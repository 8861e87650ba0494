import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { requireViewer } from '../../graphql/auth-checker.js';
import { AccountType } from './account.type.js';
import { SessionType } from './auth.type.js';

@Resolver()
export class AuthResolver {
  @Mutation(() => SessionType)
  signIn(@Ctx() ctx: Context, @Arg('username', () => String) username: string, @Arg('password', () => String) password: string) {
    return ctx.services.auth.signIn(ctx.em, username.slice(0, 64), password.slice(0, 200), {
      ip: ctx.ip,
      userAgent: ctx.userAgent,
    });
  }

  @Mutation(() => SessionType, {
    description: 'First sign-in of an imported account: username, its one-time activation code and the password it will use',
  })
  activateAccount(
    @Ctx() ctx: Context,
    @Arg('username', () => String) username: string,
    @Arg('code', () => String) code: string,
    @Arg('newPassword', () => String) newPassword: string,
  ) {
    return ctx.services.activation.activate(ctx.em, username.slice(0, 64), code.slice(0, 64), newPassword.slice(0, 201), {
      ip: ctx.ip,
      userAgent: ctx.userAgent,
    });
  }

  @Mutation(() => SessionType, { description: 'Rotates the refresh token; reusing an old one ends the sign-in' })
  refreshSession(@Ctx() ctx: Context, @Arg('refreshToken', () => String) refreshToken: string) {
    return ctx.services.auth.refresh(ctx.em, refreshToken.slice(0, 200), { ip: ctx.ip, userAgent: ctx.userAgent });
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Ends this sign-in on this device' })
  async signOut(@Ctx() ctx: Context) {
    await ctx.services.auth.signOut(ctx.em, requireViewer(ctx));
    return true;
  }

  @Authorized()
  @Mutation(() => AccountType, {
    description:
      'Replaces your password; required before anything else while mustChangePassword is true. Ends your other sign-ins.',
  })
  changePassword(
    @Ctx() ctx: Context,
    @Arg('currentPassword', () => String) currentPassword: string,
    @Arg('newPassword', () => String) newPassword: string,
  ) {
    return ctx.services.auth.changePassword(ctx.em, requireViewer(ctx), currentPassword.slice(0, 200), newPassword.slice(0, 201));
  }
}
