import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { requireViewer } from '../../graphql/auth-checker.js';
import { CreateResolutionInput, UpdateResolutionInput } from './resolution.inputs.js';
import { NotFoundError } from '../../common/errors.js';
import type { Context } from '../../graphql/context.js';
import { assertUuid } from '../../common/ids.js';
import { Resolution } from './resolution.entity.js';
import { ResolutionType } from './resolution.type.js';

@Resolver(() => ResolutionType)
export class ResolutionResolver {
  @Authorized()
  @Query(() => [ResolutionType], { description: 'Every resolution, oldest first' })
  resolutions(@Ctx() ctx: Context) {
    return ctx.em.find(Resolution, {}, { orderBy: { issuedOn: 'asc', code: 'asc' } });
  }

  @Authorized()
  @Query(() => ResolutionType)
  async resolution(@Ctx() ctx: Context, @Arg('id', () => ID) id: string) {
    assertUuid('id', id);
    const found = await ctx.em.findOne(Resolution, { id });
    if (!found) throw new NotFoundError('Resolution', id);
    return found;
  }

  @Authorized()
  @Mutation(() => ResolutionType, { description: 'Central administrators only' })
  createResolution(@Ctx() ctx: Context, @Arg('input', () => CreateResolutionInput) input: CreateResolutionInput) {
    return ctx.services.resolutions.create(ctx.em, requireViewer(ctx), input);
  }

  @Authorized()
  @Mutation(() => ResolutionType, { description: 'Central administrators only' })
  updateResolution(@Ctx() ctx: Context, @Arg('input', () => UpdateResolutionInput) input: UpdateResolutionInput) {
    return ctx.services.resolutions.update(ctx.em, requireViewer(ctx), input);
  }
}
